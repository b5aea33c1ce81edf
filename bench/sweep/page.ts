/**
 * The report a researcher keeps: one self-contained HTML page (the charts embedded as SVG, no
 * script, nothing fetched), the same charts as SVG files, and the summary as CSV with mean,
 * standard deviation, 95 % confidence interval and runs per point.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Provenance } from '../provenance.ts';
import type { Table } from '../table.ts';
import type { Row } from './csv.ts';
import { type Figure, figures, type PlotOptions, renderSvg } from './plot.ts';
import { writePngs } from './png.ts';
import { groupRows, layoutFor, summaryTable } from './report.ts';

export interface PageInput extends PlotOptions {
  rows: Row[];
  /** Where the rows came from (the CSV path), shown under the title. */
  source: string;
  provenance?: Provenance;
  /** Lines printed under the charts (caveats about the reference figures). */
  notes?: string[];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function htmlTable(table: Table): string {
  const cell = (tag: string, text: string | number, i: number) =>
    `<${tag}${table.align?.[i] === 'r' ? ' class="r"' : ''}>${escapeHtml(String(text))}</${tag}>`;
  const head = table.head.map((h, i) => cell('th', h, i)).join('');
  const body = table.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}

export async function renderPage(input: PageInput, rendered?: RenderedFigure[]): Promise<string> {
  const charts = rendered ?? (await renderFigures(input));
  const title = input.title ?? 'whohas sweep report';
  const provenance = input.provenance
    ? `<p class="meta">command: <code>${escapeHtml(input.provenance.command)}</code> · finished ${escapeHtml(input.provenance.finished)} · ${escapeHtml(`${input.provenance.machine.cpu}, ${input.provenance.machine.cores} cores, Node ${input.provenance.machine.node}`)}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}
th,td{border:1px solid #ccc;padding:3px 8px}
th{background:#f3f3f3}.r{text-align:right}
.meta{color:#555;font-size:13px}
figure{margin:1.5em 0}
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(`${input.rows.length} runs from ${input.source}`)}</p>
${provenance}
${charts.map((c) => `<figure id="${c.figure.name}">${c.svg}<figcaption>${escapeHtml(c.figure.title)}</figcaption></figure>`).join('\n')}
${(input.notes ?? []).map((line) => `<p class="meta">${escapeHtml(line)}</p>`).join('\n')}
<h2>Summary per point</h2>
${htmlTable(summaryTable(input.rows))}
</body></html>
`;
}

export interface RenderedFigure {
  figure: Figure;
  svg: string;
}

export async function renderFigures(input: PageInput): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const figure of figures(input.rows, input)) {
    out.push({ figure, svg: await renderSvg(figure.spec) });
  }
  return out;
}

/** One line per (series, x): the spread across seeds that the charts draw, in bytes per second. */
export function summaryCsv(rows: Row[]): string {
  const layout = layoutFor(rows);
  return stringify(
    groupRows(rows, layout).map((g) => [
      g.series,
      g.x,
      g.runs,
      g.failed,
      g.meanBps,
      g.sdBps,
      g.ciBps,
      g.modelBps,
    ]),
    {
      header: true,
      columns: [
        'series',
        layout.x,
        'runs',
        'failed',
        'mean_Bps',
        'sd_Bps',
        'ci95_Bps',
        'model_Bps',
      ],
      cast: { number: (n) => (Number.isFinite(n) ? String(Number(n.toPrecision(9))) : '') },
    },
  );
}

export interface ReportOutputs {
  html?: string;
  svgDir?: string;
  /** PNGs need Chromium (bench/sweep/png.ts). */
  pngDir?: string;
  summaryCsv?: string;
}

/** Writes what was asked for; returns the paths written. */
export async function writeReport(input: PageInput, outputs: ReportOutputs): Promise<string[]> {
  const written: string[] = [];
  const rendered = await renderFigures(input);
  if (outputs.svgDir !== undefined) {
    await mkdir(outputs.svgDir, { recursive: true });
    for (const { figure, svg } of rendered) {
      const path = join(outputs.svgDir, `${figure.name}.svg`);
      await writeFile(path, svg);
      written.push(path);
    }
  }
  if (outputs.pngDir !== undefined) written.push(...(await writePngs(rendered, outputs.pngDir)));
  if (outputs.html !== undefined) {
    await writeFile(outputs.html, await renderPage(input, rendered));
    written.push(outputs.html);
  }
  if (outputs.summaryCsv !== undefined) {
    await writeFile(outputs.summaryCsv, summaryCsv(input.rows));
    written.push(outputs.summaryCsv);
  }
  return written;
}
