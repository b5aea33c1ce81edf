/**
 * `whohas sweep --queue redis://HOST:PORT`: one BullMQ job per point (its matrix index and full
 * spec, the sweep's seeds inside), results collected from the queue's event stream as workers
 * anywhere finish them, rows returned in matrix order: the CSV is the bytes a local run of the
 * same seed writes. A point that fails is reported once with the command that replays it; the
 * sweep's jobs still waiting are then withdrawn and the sweep fails (POINT_FAILED), as a local
 * sweep stops at its first failed point.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { WhohasError } from '../../impl/errors.ts';
import { progressBar } from '../progress.ts';
import { formatRate } from '../units.ts';
import type { Row } from './csv.ts';
import { indexOfJob, jobId, type PointJob, pointCommand, pointLabel, QUEUE_NAME } from './queue.ts';
import { probeQueue } from './queue-probe.ts';
import { checkPoint, type SweepResult } from './run.ts';
import { expandMatrix, type PointSpec, type Shard, type SweepSpec, shardPoints } from './spec.ts';

export interface QueueRunOptions {
  url: string;
  onRow?: (row: Row, done: number, total: number) => void;
  /** Told of enqueueing, retried jobs and failures, once each. */
  onNote?: (line: string) => void;
  /** Aborting (Ctrl-C) withdraws the sweep's waiting points and rejects with SWEEP_INTERRUPTED. */
  signal?: AbortSignal;
}

export interface QueueRunResult {
  rows: Row[];
  /** Matrix indexes whose job lost its worker and went back to the queue (BullMQ 'stalled'). */
  stalled: number[];
}

/** Jobs per addBulk call: one round trip each, bounded in size. */
const BATCH = 500;

/**
 * The newest entry of the queue's event stream, read before any job is added: the event reader
 * starts after it, so it misses none of this sweep's events (a reader started at '$' would
 * miss those that come before its first read).
 */
async function lastEventId(url: string, prefix: string): Promise<string> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    const [newest] = await redis.xrevrange(`${prefix}:${QUEUE_NAME}:events`, '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  } finally {
    redis.disconnect();
  }
}

export async function runPointsOnQueue(
  points: PointSpec[],
  options: QueueRunOptions,
): Promise<QueueRunResult> {
  await probeQueue(options.url);
  const note = options.onNote ?? (() => {});
  const run = randomUUID().slice(0, 8);
  const prefix = 'bull';
  const connection = { url: options.url };
  const byIndex = new Map(points.map((point) => [point.index, point]));
  const rows = new Map<number, Row>();
  const stalled = new Set<number>();
  const queue = new Queue<PointJob, Row>(QUEUE_NAME, { connection, prefix });
  const events = new QueueEvents(QUEUE_NAME, {
    connection,
    prefix,
    lastEventId: await lastEventId(options.url, prefix),
  });
  events.on('error', () => {});
  queue.on('error', () => {});
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  let stopped = false;
  const finished = new Promise<void>((resolve, reject) => {
    settle = {
      resolve,
      reject: (error) => {
        stopped = true;
        reject(error);
      },
    };
  });
  // A failure or Ctrl-C may come while the jobs are still being added: awaited below, not lost.
  finished.catch(() => {});
  events.on('completed', ({ jobId: id, returnvalue }) => {
    const index = indexOfJob(run, id);
    if (index === undefined || !byIndex.has(index) || rows.has(index)) return;
    const row = returnvalue as unknown as Row;
    rows.set(index, row);
    options.onRow?.(row, rows.size, points.length);
    if (rows.size === points.length) settle.resolve();
  });
  events.on('stalled', ({ jobId: id }) => {
    const index = indexOfJob(run, id);
    if (index === undefined || !byIndex.has(index)) return;
    stalled.add(index);
    note(`point ${index} lost its worker: back on the queue for another`);
  });
  const failed = new Set<number>();
  events.on('failed', ({ jobId: id, failedReason }) => {
    const index = indexOfJob(run, id);
    const point = index === undefined ? undefined : byIndex.get(index);
    if (point === undefined || rows.has(point.index) || failed.has(point.index)) return;
    failed.add(point.index);
    note(`${pointLabel(point)} failed: ${failedReason}\n  replay: ${pointCommand(point)}`);
    settle.reject(
      new WhohasError(
        'POINT_FAILED',
        `point ${point.index} failed on a worker: ${failedReason} (replay: ${pointCommand(point)})`,
      ),
    );
  });
  const interrupt = () =>
    settle.reject(
      new WhohasError(
        'SWEEP_INTERRUPTED',
        `interrupted with ${rows.size} of ${points.length} points done; the waiting ones were withdrawn`,
      ),
    );
  options.signal?.addEventListener('abort', interrupt, { once: true });
  try {
    await events.waitUntilReady();
    for (let from = 0; from < points.length && !stopped; from += BATCH) {
      await queue.addBulk(
        points.slice(from, from + BATCH).map((point) => ({
          name: 'point',
          data: { run, point },
          opts: {
            jobId: jobId(run, point.index),
            // A failed point is deterministic: one attempt (workers also fail it as unrecoverable).
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        })),
      );
    }
    note(
      `enqueued ${points.length} points as run ${run} on queue ${QUEUE_NAME} at ${options.url}; workers: whohas worker --queue ${options.url}`,
    );
    if (points.length > 0) await finished;
    return { rows: points.map((point) => rows.get(point.index)!), stalled: [...stalled] };
  } catch (error) {
    await withdraw(queue, run, points, (index) => rows.has(index) || failed.has(index));
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    await events.close();
    await queue.close();
  }
}

/** Removes this sweep's jobs still waiting (running ones cannot be removed; they finish unread). */
async function withdraw(
  queue: Queue<PointJob, Row>,
  run: string,
  points: PointSpec[],
  settled: (index: number) => boolean,
): Promise<void> {
  for (const point of points) {
    if (settled(point.index)) continue;
    try {
      await queue.remove(jobId(run, point.index));
    } catch {
      // Locked by a worker: it runs to the end and its row is dropped.
    }
  }
}

export interface QueueSweepOptions {
  url: string;
  shard?: Shard;
  progress?: boolean;
  onNote?: (line: string) => void;
  signal?: AbortSignal;
}

/** runSweep's counterpart on the queue: the same points, checked here, run by the workers. */
export async function runQueueSweep(
  spec: SweepSpec,
  options: QueueSweepOptions,
): Promise<SweepResult & { stalled: number[] }> {
  const started = performance.now();
  if (spec.transport !== 'sim') {
    throw new WhohasError('BAD_ARGUMENT', '--queue runs simulated points only (--transport sim)');
  }
  const matrix = expandMatrix(spec);
  const points = options.shard ? shardPoints(matrix, options.shard) : matrix;
  for (const point of points) checkPoint(point);
  const progress = progressBar('sweep', points.length, options.progress ?? true);
  try {
    const { rows, stalled } = await runPointsOnQueue(points, {
      url: options.url,
      onNote: options.onNote,
      signal: options.signal,
      onRow: (row) =>
        progress.tick(
          `N=${row.window} ${row.packet_size} B loss ${row.loss} → ${formatRate(Number(row.throughput_Bps) * 8)}`,
        ),
    });
    return {
      rows,
      stalled,
      matrixSize: matrix.length,
      wallSeconds: (performance.now() - started) / 1e3,
    };
  } finally {
    progress.stop();
  }
}

/** Runs `run` with a signal that SIGINT (Ctrl-C) aborts, so a queue sweep can withdraw its jobs. */
export async function untilInterrupted<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const abort = () => interrupt.abort();
  process.once('SIGINT', abort);
  try {
    return await run(interrupt.signal);
  } finally {
    process.off('SIGINT', abort);
  }
}
