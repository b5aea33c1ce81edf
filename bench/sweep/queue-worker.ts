/**
 * `whohas worker`: takes sweep points from the BullMQ queue and runs each on a worker thread
 * through the sweep's own PointRunner (bench/sweep/worker.ts, the thread the local pool uses), so
 * a row is the same bytes wherever it ran. The threads keep this thread free to renew the job
 * locks while a long point simulates; a worker that dies stops renewing, and BullMQ's stalled-job
 * check (run by every other worker) puts its job back on the queue for someone else.
 *
 * A point that fails does so deterministically (the same spec fails the same way anywhere), so
 * it fails as an UnrecoverableError: reported once, never retried, whatever the job's attempts.
 */
import type { Worker as Thread } from 'node:worker_threads';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { isWhohasError } from '../../impl/errors.ts';
import type { Row } from './csv.ts';
import type { FromWorker, ToWorker } from './pool.ts';
import { startWorker } from './pool.ts';
import { type PointJob, pointCommand, pointLabel, QUEUE_NAME } from './queue.ts';
import { probeQueue } from './queue-probe.ts';
import { checkPoint } from './run.ts';
import type { PointSpec } from './spec.ts';

export interface QueueWorkerOptions {
  url: string;
  /** Points run at once, one worker thread each. Default 1. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal: a dead worker's job goes back to the queue
   * within 1.5 times this of its death (the lock runs out, then a stalled check). Default 30 s.
   */
  lockDurationMs?: number;
  /** Told each job's start, end or failure. */
  onLog?: (line: string) => void;
}

export interface QueueWorker {
  /** Stops taking jobs, lets the running ones finish, ends the threads. */
  close(): Promise<void>;
}

/** How many times a job may lose its worker before BullMQ fails it (a point that kills workers). */
const MAX_STALLS = 2;

/**
 * One datagram over an ideal link: each thread runs it before the worker takes jobs, so "ready"
 * means the thread has loaded the point runner (seconds of compiling on a busy machine) and runs.
 */
const WARM_UP: PointSpec = {
  index: 0,
  transport: 'sim',
  engine: 'gbn',
  profile: 'ideal',
  arq: 'gbn',
  window: 1,
  packetSize: 1024,
  fileBytes: 1000,
  loss: 0,
  burst: 1,
  delayMs: null,
  jitterMs: null,
  bandwidthBps: null,
  seed: 1,
  repeat: 1,
  rto: { mode: 'adaptive' },
  ackEvery: null,
  timeLimitS: 60,
  congestion: null,
  fastRetransmit: null,
};

/** One worker thread running one point at a time; a thread that died is replaced on next use. */
class PointThread {
  #thread: Thread = startWorker();
  #dead = false;

  run(point: PointSpec): Promise<Row> {
    if (this.#dead) {
      this.#thread = startWorker();
      this.#dead = false;
    }
    const thread = this.#thread;
    return new Promise((resolve, reject) => {
      const done = () => {
        thread.off('message', onMessage);
        thread.off('error', onError);
      };
      const onMessage = (message: FromWorker) => {
        done();
        if (message.type === 'row') resolve(message.row);
        else reject(new UnrecoverableError(message.message.split('\n')[0]));
      };
      const onError = (error: Error) => {
        done();
        this.#dead = true;
        reject(error);
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.postMessage({ type: 'run', point } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    if (!this.#dead) await this.#thread.terminate();
  }
}

/** The job's point, or an UnrecoverableError saying why this worker will not run it. */
export function pointOf(job: Job): PointSpec {
  const data = job.data as Partial<PointJob> | undefined;
  const point = data?.point;
  if (typeof data?.run !== 'string' || typeof point !== 'object' || point === null) {
    throw new UnrecoverableError(`job ${job.id} is not a whohas sweep point`);
  }
  if (point.transport !== 'sim') {
    throw new UnrecoverableError(
      `BAD_ARGUMENT: only simulated points run on workers (${point.transport} points measure the sweep's own machine)`,
    );
  }
  try {
    checkPoint(point);
  } catch (error) {
    if (isWhohasError(error)) throw new UnrecoverableError(`${error.code}: ${error.message}`);
    throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
  }
  return point;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  await probeQueue(options.url);
  const concurrency = options.concurrency ?? 1;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const log = options.onLog ?? (() => {});
  const idle: PointThread[] = Array.from({ length: concurrency }, () => new PointThread());
  const threads = [...idle];
  try {
    await Promise.all(threads.map((thread) => thread.run(WARM_UP)));
  } catch (error) {
    // Live threads would keep the process up after the error is reported.
    await Promise.all(threads.map((thread) => thread.close()));
    throw error;
  }
  const worker = new Worker<PointJob, Row>(
    QUEUE_NAME,
    async (job) => {
      const point = pointOf(job);
      // BullMQ runs at most `concurrency` jobs at once, so a thread is always free here.
      const thread = idle.pop()!;
      log(`started ${pointLabel(point)} of run ${job.data.run}`);
      try {
        const row = await thread.run(point);
        log(`finished point ${point.index} of run ${job.data.run}`);
        return row;
      } finally {
        idle.push(thread);
      }
    },
    {
      connection: { url: options.url },
      concurrency,
      lockDuration,
      stalledInterval: Math.max(250, Math.round(lockDuration / 2)),
      maxStalledCount: MAX_STALLS,
    },
  );
  worker.on('failed', (job, error) => {
    const replay = job?.data?.point ? `; replay: ${pointCommand(job.data.point)}` : '';
    log(`failed job ${job?.id}: ${error.message}${replay}`);
  });
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await Promise.all(threads.map((thread) => thread.close()));
    },
  };
}
