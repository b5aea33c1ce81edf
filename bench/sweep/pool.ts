/**
 * Runs a sweep's points on worker threads (one per core by default) or in this thread. Points
 * go out one at a time as workers free up; rows come back in any order and are returned in
 * matrix order, so the result does not depend on the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Row } from './csv.ts';
import { PointRunner } from './point.ts';
import type { PointSpec } from './spec.ts';

export type ToWorker = { type: 'run'; point: PointSpec } | { type: 'close' };
export type FromWorker =
  | { type: 'row'; index: number; row: Row }
  | { type: 'error'; index: number; message: string };

export interface PoolOptions {
  /** Worker threads; 0 runs every point in this thread. Default: one per core. */
  workers?: number;
  onRow?: (row: Row, done: number, total: number) => void;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export async function runPoints(points: PointSpec[], options: PoolOptions = {}): Promise<Row[]> {
  const workers = Math.min(options.workers ?? defaultWorkers(), points.length);
  const rows =
    workers > 0 ? await runOnWorkers(points, workers, options) : await runHere(points, options);
  return rows;
}

async function runHere(points: PointSpec[], options: PoolOptions): Promise<Row[]> {
  const runner = new PointRunner();
  const rows: Row[] = [];
  try {
    for (const point of points) {
      const row = await runner.run(point);
      rows.push(row);
      options.onRow?.(row, rows.length, points.length);
    }
  } finally {
    await runner.close();
  }
  return rows;
}

/** tsx must be registered inside the thread before the TypeScript worker module loads. */
export function startWorker(): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const module = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(module)});`;
  return new Worker(bootstrap, { eval: true });
}

function runOnWorkers(points: PointSpec[], count: number, options: PoolOptions): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const byIndex = new Map<number, Row>();
    const threads: Worker[] = [];
    let next = 0;
    let failed = false;
    const finish = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      for (const thread of threads) thread.postMessage({ type: 'close' } satisfies ToWorker);
      if (error) {
        for (const thread of threads) void thread.terminate();
        reject(error);
      } else {
        resolve(points.map((point) => byIndex.get(point.index)!));
      }
    };
    const feed = (thread: Worker) => {
      if (next < points.length) {
        thread.postMessage({ type: 'run', point: points[next++] } satisfies ToWorker);
      }
    };
    for (let i = 0; i < count; i++) {
      const thread = startWorker();
      threads.push(thread);
      thread.on('message', (message: FromWorker) => {
        if (failed) return;
        if (message.type === 'error') {
          finish(new Error(`point ${message.index} failed: ${message.message}`));
          return;
        }
        byIndex.set(message.index, message.row);
        options.onRow?.(message.row, byIndex.size, points.length);
        if (byIndex.size === points.length) finish();
        else feed(thread);
      });
      thread.on('error', (error) => finish(error));
      feed(thread);
    }
  });
}
