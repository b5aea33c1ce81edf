/**
 * A real packet capture for tests: Debian's `tshark` on the loopback interface, filtered to one
 * TCP port, written to a throw-away pcapng file. `stop()` ends the capture and returns the file's
 * bytes (a string sent in clear on the wire appears in them verbatim). Where tshark is missing
 * or cannot capture on `lo` (no permission), the reason says so, so a test can skip loudly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TSHARK_BINARY = process.env.WHOHAS_TSHARK ?? 'tshark';

/** Why tshark cannot capture on loopback here, or undefined when it can. */
export function tsharkUnavailableReason(): string | undefined {
  const probe = spawnSync(TSHARK_BINARY, ['-D'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) {
    return `${TSHARK_BINARY} cannot list capture interfaces (install Debian's tshark, .ci/run does; capturing needs root or the wireshark group): ${probe.error?.message ?? probe.stderr.trim()}`;
  }
  if (!/\blo\b/.test(probe.stdout)) return `${TSHARK_BINARY} sees no loopback interface "lo"`;
  return undefined;
}

export interface Capture {
  /** Ends the capture; resolves with the pcapng bytes and removes the file. */
  stop(): Promise<Buffer>;
}

/**
 * tshark says "Capturing on" a little before its capture filter takes packets, and writes the
 * last packets a little after they pass: measured here, a packet 0 ms after the message was
 * lost and one 1 s after was kept, so the capture waits this long at each end.
 */
const SETTLE_MS = 1_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts capturing TCP traffic to or from `port` on loopback; resolves once tshark listens. */
export async function captureLoopback(port: number, timeoutMs = 15_000): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'whohas-capture-'));
  const file = join(dir, 'capture.pcapng');
  const child = spawn(TSHARK_BINARY, ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tshark did not start capturing within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // tshark says "Capturing on 'Loopback: lo'" once the capture runs.
      if (/Capturing on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tshark exited (${code}) before capturing: ${stderr}`));
    });
  });
  await sleep(SETTLE_MS);
  return {
    async stop() {
      await sleep(SETTLE_MS);
      // SIGINT lets tshark flush the packets it has to the file.
      child.kill('SIGINT');
      await exited;
      try {
        return readFileSync(file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
