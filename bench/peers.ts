/**
 * whohas beside a real peer and the machine's ceilings, in one run, interleaved: each round
 * measures the raw UDP blast (with and without a callback per send), atftp (RFC 7440) and
 * whohas at equal window and block size, and whohas at the 2016 experiment's 2048-byte
 * datagrams. Ratios are taken within a round (the machine's load drifts between rounds), then
 * the median over rounds is printed, with the load average.
 *
 *   npx tsx bench/peers.ts [--rounds 5] [--bytes 21760000] [--windows 16,32] [--block 1428]
 *                          [--native] [--csv results/peers.csv]
 *
 * --native measures every whohas figure three times in each round, in rotating order: with
 * node:dgram alone (WHOHAS_NATIVE=0), with the native addon's sendmmsg (WHOHAS_NATIVE=sendmmsg)
 * and with its UDP GSO (WHOHAS_NATIVE=gso; impl/platform/native-udp.ts), and prints the ratios
 * of each, CPU time and send system calls per MB (bench/peers-native.ts).
 *
 * whohas at `--packet-size 1444` carries 1428 payload bytes (16 header bytes), as atftp at
 * blksize 1428 does (4 header bytes): the same payload per datagram and the same window.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { isMain } from '../harness/roles.ts';
import { HEADER_BYTES } from '../impl/arq/codec.ts';
import { nativeUdpPath } from '../impl/platform/native-udp.ts';
import { ensureAtftp, runAtftp } from './baselines/atftp.ts';
import { runUdpBlast } from './baselines/udp-blast.ts';
import { runLoopbackTransfers } from './gbn-loopback.ts';
import {
  KEY_2016,
  nativeColumns,
  nativeRoundLine,
  type PathRound,
  rotate,
  SEND_PATHS,
  type SendPath,
  summarizeNative,
  type WarmRun,
} from './peers-native.ts';
import { writeBenchProvenance } from './provenance.ts';
import { makeFile, medianOf } from './source-file.ts';

export interface PeerRound {
  round: number;
  blastBps: number;
  blastCallbacksBps: number;
  /** By window: atftp and whohas at the same payload per datagram. */
  atftpBps: Record<number, number>;
  whohasBps: Record<number, number>;
  /** whohas at N = 16 and 2048-byte datagrams (the 2016 experiment). */
  whohas2016Bps: number;
  /** With --native: every whohas figure on each send path (whohasBps and whohas2016Bps: dgram). */
  paths?: Record<SendPath, PathRound>;
  loadAverage: number;
}

const mb = (bps: number) => (bps / 1e6).toFixed(1);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      bytes: { type: 'string', default: '21760000' },
      windows: { type: 'string', default: '16,32' },
      block: { type: 'string', default: '1428' },
      csv: { type: 'string' },
      native: { type: 'boolean', default: false },
    },
  });
  const native = values.native;
  if (native && !nativeBuilt()) {
    console.error(
      'bench/peers: --native needs the addon (node scripts/build-native.mjs --verbose)',
    );
    process.exitCode = 2;
    return;
  }
  const rounds = Number(values.rounds);
  const bytes = Number(values.bytes);
  const block = Number(values.block);
  const windows = values.windows.split(',').map(Number);
  const skipped = ensureAtftp();
  if (skipped) {
    console.error(`bench/peers: atftp is not available (${skipped}); nothing to compare with.`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'whohas-peers-'));
  const file = join(dir, 'source.bin');
  const all: PeerRound[] = [];
  try {
    const sha256 = await makeFile(file, bytes);
    console.log(
      `${(bytes / 1e6).toFixed(2)} MB over loopback, ${rounds} interleaved rounds; load average at start ${loadavg()[0].toFixed(2)}`,
    );
    for (let round = 1; round <= rounds; round++) {
      const blast = await runUdpBlast({ datagramBytes: 2048, durationMs: 1_000 });
      const blastCallbacks = await runUdpBlast({
        datagramBytes: 2048,
        durationMs: 1_000,
        callbacks: true,
      });
      const atftpBps: Record<number, number> = {};
      const whohasBps: Record<number, number> = {};
      const paths = Object.fromEntries(
        SEND_PATHS.map((path) => [path, { bps: {}, cpuMsPerMb: {}, sendCallsPerMb: {} }]),
      ) as Record<SendPath, PathRound>;
      // With --native, every path in each slot, in an order that rotates from round to round.
      const measure = async (key: number, window: number, packetSize: number) => {
        if (!native) return (await whohasWarm(file, sha256, window, packetSize)).bps;
        for (const path of rotate(SEND_PATHS, round)) {
          process.env.WHOHAS_NATIVE = path === 'dgram' ? '0' : path; // the role processes inherit it
          const run = await whohasWarm(file, sha256, window, packetSize);
          paths[path].bps[key] = run.bps;
          paths[path].cpuMsPerMb[key] = run.cpuMsPerMb;
          paths[path].sendCallsPerMb[key] = run.sendCallsPerMb;
        }
        delete process.env.WHOHAS_NATIVE;
        return paths.dgram.bps[key];
      };
      for (const window of windows) {
        const [tftp] = await runAtftp({ fileBytes: bytes, window, blockBytes: block });
        if (tftp.status === 'ok' && !tftp.identical)
          throw new Error('atftp delivered a different file');
        atftpBps[window] = tftp.status === 'ok' ? tftp.bytesPerSecond : Number.NaN;
        whohasBps[window] = await measure(window, window, block + HEADER_BYTES);
      }
      const whohas2016Bps = await measure(KEY_2016, 16, 2048);
      const entry: PeerRound = {
        round,
        blastBps: blast.bytesPerSecond,
        blastCallbacksBps: blastCallbacks.bytesPerSecond,
        atftpBps,
        whohasBps,
        whohas2016Bps,
        ...(native ? { paths } : {}),
        loadAverage: loadavg()[0],
      };
      all.push(entry);
      console.log(
        `round ${round}: blast ${mb(entry.blastBps)} MB/s (with callbacks ${mb(entry.blastCallbacksBps)}); ` +
          windows
            .map(
              (w) =>
                `N=${w}: atftp ${mb(atftpBps[w])}, whohas ${mb(whohasBps[w])} (${(whohasBps[w] / atftpBps[w]).toFixed(2)}x)`,
            )
            .join('; ') +
          `; whohas N=16 2048 B ${mb(whohas2016Bps)} MB/s = ${(whohas2016Bps / entry.blastBps).toFixed(2)} of the blast; load ${entry.loadAverage.toFixed(2)}`,
      );
      if (native) console.log(nativeRoundLine(entry, windows));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  summarize(all, windows, block);
  if (native) summarizeNative(all, windows, block);
  if (values.csv) {
    await writeCsv(values.csv, all, windows);
    await writeBenchProvenance(values.csv, 'bench/peers.ts', started);
  }
}

/** A fresh process pair moves the file twice; the second (warm) transfer is the figure. */
async function whohasWarm(
  file: string,
  sha256: Buffer,
  window: number,
  packetSize: number,
): Promise<WarmRun> {
  const runs = await runLoopbackTransfers({ file, sha256, window, packetSize }, 2);
  const warm = runs[runs.length - 1];
  if (!warm.identical) throw new Error('whohas delivered a different file');
  const mbMoved = warm.bytes / 1e6;
  return {
    bps: warm.receiver.throughputBps,
    cpuMsPerMb: ((warm.receiverCpuSeconds + warm.senderCpuSeconds) * 1e3) / mbMoved,
    sendCallsPerMb: warm.senderSendCalls / mbMoved,
  };
}

function summarize(all: PeerRound[], windows: number[], block: number): void {
  const median = (pick: (round: PeerRound) => number) => medianOf(all.map(pick));
  console.log(`\nmedians over ${all.length} rounds (ratios within each round):`);
  for (const window of windows) {
    console.log(
      `  N=${window}, ${block}-byte blocks: whohas ${mb(median((r) => r.whohasBps[window]))} MB/s, ` +
        `atftp ${mb(median((r) => r.atftpBps[window]))} MB/s, whohas ÷ atftp ${median((r) => r.whohasBps[window] / r.atftpBps[window]).toFixed(2)} (goal ≥ 1.0)`,
    );
  }
  console.log(
    `  N=16, 2048-byte datagrams: whohas ${mb(median((r) => r.whohas2016Bps))} MB/s; ÷ blast without callbacks ` +
      `${median((r) => r.whohas2016Bps / r.blastBps).toFixed(2)} (goal ≥ 0.6); ÷ blast with callbacks ${median((r) => r.whohas2016Bps / r.blastCallbacksBps).toFixed(2)}`,
  );
  console.log(
    `  ceilings: blast ${mb(median((r) => r.blastBps))} MB/s, with a callback per send ${mb(median((r) => r.blastCallbacksBps))} MB/s`,
  );
}

function nativeBuilt(): boolean {
  const path = nativeUdpPath();
  return path !== undefined && existsSync(path);
}

async function writeCsv(path: string, all: PeerRound[], windows: number[]): Promise<void> {
  const rows = all.map((r) => ({
    round: r.round,
    blast_Bps: Math.round(r.blastBps),
    blast_callbacks_Bps: Math.round(r.blastCallbacksBps),
    ...Object.fromEntries(
      windows.flatMap((w) => [
        [`atftp_w${w}_Bps`, Math.round(r.atftpBps[w])],
        [`whohas_w${w}_Bps`, Math.round(r.whohasBps[w])],
        [`whohas_over_atftp_w${w}`, (r.whohasBps[w] / r.atftpBps[w]).toFixed(3)],
      ]),
    ),
    whohas_n16_2048_Bps: Math.round(r.whohas2016Bps),
    whohas_n16_2048_over_blast: (r.whohas2016Bps / r.blastBps).toFixed(3),
    ...(r.paths === undefined ? {} : nativeColumns(r, windows)),
    load_average: r.loadAverage.toFixed(2),
  }));
  await writeFile(path, stringify(rows, { header: true }));
}

if (isMain(import.meta.url)) await main();
