/**
 * The job queue's contract, in-process: a Redis URL is checked and an unreachable Redis is named
 * at once; a point's replay command replays exactly that point; and, on a real Redis, a point
 * that fails deterministically is reported once with its replay command and never run again, and
 * an interrupted sweep takes its waiting points off the queue.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Command } from 'commander';
import { readRows, toCsv } from '../../bench/sweep/csv.ts';
import { runPoints } from '../../bench/sweep/pool.ts';
import { pointCommand, QUEUE_NAME } from '../../bench/sweep/queue.ts';
import { probeQueue } from '../../bench/sweep/queue-probe.ts';
import { runPointsOnQueue } from '../../bench/sweep/queue-sweep.ts';
import { startQueueWorker } from '../../bench/sweep/queue-worker.ts';
import { expandMatrix, type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';
import * as sweep from '../../cli/commands/sweep.ts';
import {
  freeLoopbackPort,
  redisUnavailableReason,
  startRedis,
} from '../../harness/redis-server.ts';
import { isWhohasError } from '../../impl/errors.ts';

const spec = (overrides: Partial<SweepSpec> = {}): SweepSpec => ({
  transport: 'sim',
  engine: 'gbn',
  profiles: ['lan'],
  windows: [4],
  packetSizes: [1024],
  sizes: [16_384],
  losses: [0.02],
  seeds: [11],
  ...unsweptDefaults(),
  ...overrides,
});

const badUrl = test.macro({
  async exec(t, url: string | (() => Promise<string>), code: string, message: RegExp) {
    const error = await t.throwsAsync(probeQueue(typeof url === 'string' ? url : await url()));
    t.true(isWhohasError(error, code as 'BAD_ARGUMENT'), String(error));
    t.regex(error?.message ?? '', message);
  },
  title: (name = '') => `the queue refuses ${name}`,
});

test('a URL that is not a URL', badUrl, 'nonsense', 'BAD_ARGUMENT', /bad URL 'nonsense'/);
test('a URL of another scheme', badUrl, 'http://127.0.0.1:6379', 'BAD_ARGUMENT', /not a Redis/);
test(
  'a port where no Redis answers, at once',
  badUrl,
  async () => `redis://127.0.0.1:${await freeLoopbackPort()}`,
  'QUEUE_UNAVAILABLE',
  /no Redis answered at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
);

const replays = test.macro({
  async exec(t, overrides: Partial<SweepSpec>) {
    const points = expandMatrix(spec(overrides));
    const point = points.at(-1)!;
    const [original] = readRows(toCsv(await runPoints([point], { workers: 0 })));
    const dir = await mkdtemp(join(tmpdir(), 'whohas-replay-'));
    try {
      // The command as printed, split on spaces: none of its arguments needs quoting here.
      const args = pointCommand(point).split(' ').slice(1);
      const program = new Command('whohas').exitOverride();
      sweep.register(program);
      const out = join(dir, 'replay.csv');
      await program.parseAsync([...args, '--workers', '0', '--no-progress', '--out', out], {
        from: 'user',
      });
      const replayed = readRows(await readFile(out, 'utf8'));
      t.is(replayed.length, 1);
      t.deepEqual(
        { ...replayed[0], index: '', repeat: '' },
        { ...original, index: '', repeat: '' },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  title: (name = '') => `a point's replay command runs that point alone: ${name}`,
});

test('profile defaults', replays, { windows: [2, 4], seeds: [11, 12] });
test('every transfer setting given', replays, {
  profiles: ['wan'],
  schemes: ['sr'],
  losses: [0.05],
  bursts: [3],
  delaysMs: [7.5],
  jittersMs: [0.5],
  bandwidthsBps: [20e6],
  rto: { mode: 'fixed', ms: 120 },
  ackEvery: 2,
  congestion: 'none',
  fastRetransmit: false,
});

const unavailable = redisUnavailableReason();

if (unavailable) {
  // CI installs redis-server, so there its absence is a failure; elsewhere the skip is loud.
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`job queue on Redis: ${unavailable}`, (t) => {
    t.fail(`redis-server is required by the queue tests: ${unavailable}`);
  });
  if (!inCi) console.warn(`SKIPPED job queue tests: ${unavailable}`);
} else {
  test('a point that fails deterministically is reported once with its replay command, never retried', async (t) => {
    const redis = await startRedis();
    const logs: string[] = [];
    const worker = await startQueueWorker({
      url: redis.url,
      lockDurationMs: 1_000,
      onLog: (line) => logs.push(line),
    });
    const connection = { url: redis.url };
    const queue = new Queue(QUEUE_NAME, { connection });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    try {
      // A sweep whose second point has a packet too small for the header.
      const [good] = expandMatrix(spec());
      const bad = { ...good, index: 1, packetSize: 10 };
      const notes: string[] = [];
      const error = await t.throwsAsync(
        runPointsOnQueue([good, bad], { url: redis.url, onNote: (line) => notes.push(line) }),
      );
      t.true(isWhohasError(error, 'POINT_FAILED'), String(error));
      t.regex(error?.message ?? '', /^point 1 failed on a worker: BAD_PACKET_SIZE/);
      const failures = notes.filter((line) => line.includes(' failed: '));
      t.is(failures.length, 1, notes.join('\n'));
      t.regex(failures[0], /replay: whohas sweep .*--packet-size 10 .*--seed 11 --seeds 1$/);

      // Even a job enqueued with 5 attempts runs once: the point runner's error (an engine this
      // build does not have, thrown inside the worker thread) is unrecoverable.
      await events.waitUntilReady();
      const job = await queue.add(
        'point',
        { run: 'careless', point: { ...good, engine: 'warp' } },
        { jobId: 'careless-0', attempts: 5 },
      );
      await t.throwsAsync(job.waitUntilFinished(events), { message: /unknown engine warp/ });
      // Past several stalled checks (500 ms each), the job is still failed after one start.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = await Job.fromId(queue, job.id!);
      t.is(await after?.getState(), 'failed');
      t.is(after?.attemptsStarted, 1);
      t.is(logs.filter((line) => line.startsWith('failed job careless-0:')).length, 1);
    } finally {
      await events.close();
      await queue.close();
      await worker.close();
      await redis.stop();
    }
  });

  test('an interrupted sweep withdraws its waiting points, so no worker runs them for nothing', async (t) => {
    const redis = await startRedis();
    const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url } });
    try {
      // No worker: every point waits until the interruption.
      const interrupt = new AbortController();
      const points = expandMatrix(spec({ seeds: [1, 2, 3, 4, 5] }));
      const error = await t.throwsAsync(
        runPointsOnQueue(points, {
          url: redis.url,
          signal: interrupt.signal,
          onNote: (line) => {
            if (line.startsWith('enqueued 5 points')) interrupt.abort();
          },
        }),
      );
      t.true(isWhohasError(error, 'SWEEP_INTERRUPTED'), String(error));
      t.regex(error?.message ?? '', /interrupted with 0 of 5 points done/);
      t.is(await queue.getWaitingCount(), 0);
    } finally {
      await queue.close();
      await redis.stop();
    }
  });
}
