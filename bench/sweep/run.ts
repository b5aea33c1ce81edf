/**
 * Runs a sweep: expands the matrix, keeps this shard's points, runs them (worker threads for the
 * simulator; one at a time for loopback UDP, where the machine's cores belong to the two
 * processes of the transfer), and for UDP measures the raw-blast and TCP baselines in the same
 * run so every row carries its ratios.
 */

import { resolveTransferOptions } from '../../impl/arq/options.ts';
import {
  atftpSkipReason,
  type Baselines,
  measureAtftp,
  measureBaselines,
} from '../engines/baselines.ts';
import { transferOptions } from '../engines/options.ts';
import { progressBar } from '../progress.ts';
import { formatRate } from '../units.ts';
import type { Row } from './csv.ts';
import { pointPaths } from './paths.ts';
import { withBaselines } from './point.ts';
import { runPoints } from './pool.ts';
import { expandMatrix, type PointSpec, type Shard, type SweepSpec, shardPoints } from './spec.ts';

export interface SweepRunOptions {
  /** Worker threads for simulated points (0: this thread). Default one per core. */
  workers?: number;
  shard?: Shard;
  progress?: boolean;
  label?: string;
  /** Simulated points: one pcapng per run in this folder (bench/engines/capture.ts). */
  pcapDir?: string;
  /** Told each baseline as it is measured (UDP sweeps). */
  onNote?: (line: string) => void;
}

export interface SweepResult {
  rows: Row[];
  /** Points in the whole matrix (this shard ran `rows.length` of them). */
  matrixSize: number;
  wallSeconds: number;
}

export async function runSweep(
  spec: SweepSpec,
  options: SweepRunOptions = {},
): Promise<SweepResult> {
  const started = performance.now();
  const matrix = expandMatrix(spec);
  const chosen = options.shard ? shardPoints(matrix, options.shard) : matrix;
  const points = options.pcapDir ? chosen.map((p) => ({ ...p, pcapDir: options.pcapDir })) : chosen;
  for (const point of points) checkPoint(point);
  const progress = progressBar(options.label ?? 'sweep', points.length, options.progress ?? true);
  const status = (row: Row) =>
    `N=${row.window} ${row.packet_size} B loss ${row.loss} → ${formatRate(Number(row.throughput_Bps) * 8)}`;
  let rows: Row[];
  try {
    if (spec.transport === 'sim') {
      rows = await runPoints(points, {
        workers: options.workers,
        onRow: (row) => progress.tick(status(row)),
      });
    } else {
      rows = await runPoints(points, { workers: 0, onRow: (row) => progress.tick(status(row)) });
    }
  } finally {
    progress.stop();
  }
  if (spec.transport === 'udp') rows = await addBaselines(rows, options.onNote);
  return { rows, matrixSize: matrix.length, wallSeconds: (performance.now() - started) / 1e3 };
}

/** Bad settings fail here, at once and with a clear message, not inside a worker thread. */
export function checkPoint(point: PointSpec): void {
  resolveTransferOptions(transferOptions(point));
  if (point.transport === 'sim') pointPaths(point);
}

/**
 * One raw-blast (with and without send callbacks) and one TCP measurement per packet size, and
 * atftp per (packet size, window, file size), taken right after the transfers.
 */
async function addBaselines(rows: Row[], onNote?: (line: string) => void): Promise<Row[]> {
  const sizes = [...new Set(rows.map((row) => Number(row.packet_size)))];
  const bySize = new Map<number, Baselines>();
  for (const size of sizes) {
    onNote?.(`measuring the loopback ceilings at ${size} B: raw UDP blast, TCP stream...`);
    const baselines = await measureBaselines(size);
    bySize.set(size, baselines);
    onNote?.(
      `baselines at ${size} B: raw UDP blast ${(baselines.udpBlastBps / 1e6).toFixed(1)} MB/s ` +
        `(${(baselines.udpBlastCallbacksBps / 1e6).toFixed(1)} with a callback per send), TCP ${(baselines.tcpBps / 1e6).toFixed(1)} MB/s`,
    );
  }
  const atftp = new Map<string, number>();
  const skip = atftpSkipReason();
  if (skip) onNote?.(`atftp is not measured (${skip}): the over_atftp column stays empty`);
  const atftpKey = (row: Row) => `${row.packet_size}|${row.window}|${row.file_bytes}`;
  for (const row of skip ? [] : rows) {
    const key = atftpKey(row);
    if (atftp.has(key)) continue;
    const { bytesPerSecond, stalled } = await measureAtftp(
      Number(row.file_bytes),
      Number(row.window),
      Number(row.packet_size),
    );
    atftp.set(key, bytesPerSecond);
    onNote?.(
      `atftp at windowsize ${row.window}, blksize ${Number(row.packet_size) - 16}: ` +
        (stalled ? 'stalled, no figure' : `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`),
    );
  }
  return rows.map((row) => {
    const baselines = bySize.get(Number(row.packet_size))!;
    return withBaselines(row, { ...baselines, atftpBps: atftp.get(atftpKey(row)) ?? Number.NaN });
  });
}
