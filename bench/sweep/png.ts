/**
 * PNG charts through Debian's headless Chromium (driven by playwright-core; a browser is never
 * downloaded): node-canvas, the other way to rasterise Vega's output, needs a native build. The
 * SVG Vega wrote is screenshotted at 2× for print.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WhohasError } from '../../impl/errors.ts';
import type { RenderedFigure } from './page.ts';

/** The Chromium to use: $WHOHAS_CHROMIUM, else Debian's. */
export function chromiumPath(): string {
  return process.env.WHOHAS_CHROMIUM ?? '/usr/bin/chromium';
}

/** Flags for a headless Chromium that reaches nothing on the network and leaves no profile behind. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium() {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `PNG output needs Chromium, not found at ${executablePath} (apt-get install chromium, or set WHOHAS_CHROMIUM)`,
    );
  }
  const { chromium } = await import('playwright-core');
  // launch() gives Chromium a fresh empty profile directory of its own and removes it on close.
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export async function writePngs(rendered: RenderedFigure[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    const written: string[] = [];
    for (const { figure, svg } of rendered) {
      await page.setContent(`<!doctype html><body style="margin:0;background:white">${svg}</body>`);
      const path = join(dir, `${figure.name}.png`);
      await page.locator('svg').first().screenshot({ path });
      written.push(path);
    }
    return written;
  } finally {
    await browser.close();
  }
}
