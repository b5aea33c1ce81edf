/**
 * A chunked `whohas get` on real loopback, before and after runs of chunks (docs/PROTOCOL.md,
 * "Several sources"), beside the whole-file transfer of the same file, interleaved in one run:
 * a `whohas server` and one `whohas peer --serve` owner (its tree announced), then per round
 * three requester processes, each a Peer on the Node platform doing what `whohas get` does:
 *
 *   whole    getFile without sources: the file in one transfer, no chunks (the engine's pace)
 *   runs1    getFile { sources: 4, maxRunBytes: 1 MiB }: one chunk per getfile line (before)
 *   runs     getFile { sources: 4 }: runs of 1, 2, 4, ... chunks up to 64 MiB (after; `whohas get`)
 *
 *   npx tsx bench/chunk-runs.ts [--bytes 200000000] [--rounds 3] [--csv results/chunk-runs.csv]
 *
 * Each requester times its own getFile (after login and whohas) and counts its getfile requests
 * (transfers started); the load average is printed and written beside each row.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { isMain } from '../harness/roles.ts';
import { SOURCE_CLI, WhohasProcess } from '../harness/whohas-process.ts';
import { WhohasError } from '../impl/errors.ts';
import { parseServerAddress } from '../impl/peer/limits.ts';
import { DEFAULT_CHUNK_BYTES } from '../impl/peer/merkle.ts';
import { Peer } from '../impl/peer/peer.ts';
import { createNodePlatform } from '../impl/platform/node.ts';
import { writeBenchProvenance } from './provenance.ts';
import { makeFile, medianOf } from './source-file.ts';

const MODES = ['whole', 'runs1', 'runs'] as const;
type Mode = (typeof MODES)[number];
const FILE = 'big.bin';
const ROOM = 'bench';
const SELF = new URL(import.meta.url).pathname;

interface Row {
  round: number;
  mode: Mode;
  bytes: number;
  seconds: number;
  MBps: number;
  requests: number;
  loadAverage: number;
}

/** The requester (a child process): one get in `mode`, its figures as one JSON line. */
async function child(mode: Mode, server: string, name: string, out: string): Promise<void> {
  const platform = createNodePlatform();
  const peer = new Peer({
    platform,
    name,
    server: parseServerAddress(server),
    folder: out,
    share: false,
  });
  try {
    await peer.connect();
    await peer.join(ROOM);
    let requests = 0;
    peer.on('transfer-start', (info) => {
      if (info.direction === 'download') requests++;
    });
    const responders = await peer.whohas(FILE);
    if (responders[0]?.tree === undefined) {
      throw new WhohasError('NO_RESPONDERS', `no owner announced a tree for ${FILE}`);
    }
    const options =
      mode === 'whole'
        ? {}
        : { sources: 4, ...(mode === 'runs1' ? { maxRunBytes: DEFAULT_CHUNK_BYTES } : {}) };
    const started = performance.now();
    const result = await peer.getFile(responders, FILE, options);
    const seconds = (performance.now() - started) / 1000;
    const bytes = result.stats.bytes;
    process.stdout.write(`${JSON.stringify({ seconds, bytes, requests })}\n`);
    await rm(result.path);
  } finally {
    await peer.close();
  }
}

/** Runs one requester process and reads its figures. */
function requester(mode: Mode, server: string, name: string, out: string) {
  const args = [...SOURCE_CLI.slice(0, 2), SELF, '--child', mode, server, name, out];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`requester ${mode} failed: ${run.stderr}`);
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as { seconds: number; bytes: number; requests: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bytes: { type: 'string', default: '200000000' },
      rounds: { type: 'string', default: '3' },
      csv: { type: 'string' },
    },
  });
  const bytes = Number(values.bytes);
  const rounds = Number(values.rounds);
  const wall = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'whohas-chunk-runs-'));
  const server = new WhohasProcess(
    ['server', '--host', '127.0.0.1', '--port', '0', '--quiet'],
    dir,
  );
  let owner: WhohasProcess | undefined;
  const rows: Row[] = [];
  try {
    const [, port] = await server.line(/^whohas server listening on 127\.0\.0\.1:(\d+)$/);
    const address = `127.0.0.1:${port}`;
    await mkdir(join(dir, 'owner'));
    await mkdir(join(dir, 'got'));
    await makeFile(join(dir, 'owner', FILE), bytes);
    const serve = ['peer', '--serve', '--create', '--name', 'ann', '--room', ROOM];
    owner = new WhohasProcess([...serve, '--server', address, '--folder', 'owner'], dir);
    await owner.line(/^whohas peer ann serving /);
    // The owner hashes in the background: a first get waits until its tree is announced.
    for (let tries = 0; ; tries++) {
      try {
        requester('runs', address, 'warm', join(dir, 'got'));
        break;
      } catch (error) {
        if (tries >= 20) throw error;
      }
    }
    for (let round = 1; round <= rounds; round++) {
      for (const mode of MODES) {
        const got = requester(mode, address, `eko${round}${mode}`, join(dir, 'got'));
        const loadAverage = Number(loadavg()[0].toFixed(2));
        const MBps = Number((got.bytes / got.seconds / 1e6).toFixed(1));
        rows.push({
          round,
          mode,
          bytes: got.bytes,
          seconds: got.seconds,
          MBps,
          requests: got.requests,
          loadAverage,
        });
        console.log(
          `round ${round} ${mode.padEnd(5)} ${MBps.toFixed(1).padStart(6)} MB/s  ${got.requests} getfile  load ${loadAverage}`,
        );
      }
    }
  } finally {
    await owner?.stop('SIGKILL');
    await server.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
  const median = (mode: Mode) => medianOf(rows.filter((r) => r.mode === mode).map((r) => r.MBps));
  console.log(
    `medians of ${rounds} rounds, ${bytes} B: whole ${median('whole')} MB/s, runs of 1 chunk ${median('runs1')} MB/s, runs ${median('runs')} MB/s; runs ÷ whole ${(median('runs') / median('whole')).toFixed(2)}, runs1 ÷ whole ${(median('runs1') / median('whole')).toFixed(2)}`,
  );
  if (values.csv) {
    await writeFile(values.csv, stringify(rows, { header: true }));
    await writeBenchProvenance(values.csv, 'bench/chunk-runs.ts', wall);
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    const [mode, server, name, out] = process.argv.slice(at + 1);
    await child(mode as Mode, server, name, out);
  } else {
    await main();
  }
}
