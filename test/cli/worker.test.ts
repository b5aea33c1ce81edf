/**
 * A sweep across machines, with real parts: Debian's redis-server on a free loopback port, three
 * `whohas worker` child processes, and `whohas sweep --queue` as a fourth. One worker is killed
 * with SIGKILL while it runs a point; BullMQ's stalled-job check gives that point to another
 * worker, and the CSV is byte for byte the one the same sweep writes locally.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import * as sweep from '../../cli/commands/sweep.ts';
import { redisUnavailableReason, startRedis } from '../../harness/redis-server.ts';
import type { WhohasProcess } from '../../harness/whohas-process.ts';
import { withProcesses } from '../helpers/processes.ts';

const unavailable = redisUnavailableReason();

// 3 windows × 2 losses × 10 seeds = 60 points; 2 MB each is ~0.1 s of simulation, so a worker is
// caught mid-point, and the whole sweep stays a few seconds of CPU.
const SWEEP = [
  'sweep',
  '--engine',
  'gbn',
  '--window',
  '4,8,16',
  '--size',
  '2MB',
  '--loss',
  '0,1%',
  '--seeds',
  '10',
  '--seed',
  '5',
  '--no-progress',
];

async function localSweep(out: string): Promise<void> {
  const program = new Command('whohas').exitOverride();
  sweep.register(program);
  await program.parseAsync([...SWEEP, '--workers', '1', '--out', out], { from: 'user' });
}

if (unavailable) {
  // CI installs redis-server, so there its absence is a failure; elsewhere the skip is loud.
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`whohas worker: ${unavailable}`, (t) => {
    t.fail(`redis-server is required by the queue tests: ${unavailable}`);
  });
  if (!inCi) console.warn(`SKIPPED whohas worker tests: ${unavailable}`);
} else {
  test('60 points on 3 workers, one SIGKILLed mid-point: its point runs elsewhere, the CSV equals the local one', async (t) => {
    const redis = await startRedis();
    try {
      await withProcesses(async (start, dir) => {
        // A 2 s lock: a dead worker's point goes back on the queue within a few seconds.
        const workers: WhohasProcess[] = [0, 1, 2].map(() =>
          start(['worker', '--queue', redis.url, '--lock-duration', '2s']),
        );
        // The local run while the workers start up.
        await localSweep(join(dir, 'local.csv'));
        for (const worker of workers) await worker.line(/^whohas worker ready: 1 thread/);

        const queued = start([...SWEEP, '--queue', redis.url, '--out', 'queued.csv']);
        const [victim, ...survivors] = workers;
        const [, index] = await victim.line(/^started point (\d+) /);
        await victim.stop('SIGKILL');

        const exit = await queued.finish();
        t.is(exit.code, 0, queued.output());
        // The fault happened: the killed worker never finished its point, BullMQ saw it stall,
        // and another worker ran it.
        t.false(victim.stdout.some((line) => line.startsWith(`finished point ${index} `)));
        await queued.line(new RegExp(`^point ${index} lost its worker`));
        const rerun = new RegExp(`^started point ${index} `);
        t.true(
          survivors.some((worker) => worker.stdout.some((line) => rerun.test(line))),
          survivors.map((worker) => worker.output()).join('\n'),
        );
        // The seed is printed first, with the command that replays the sweep.
        t.regex(
          queued.stdout[0],
          /^seed 5 {2}\(replay: whohas sweep .* --queue redis:\/\/127\.0\.0\.1:\d+ .*--seed 5\)$/,
        );
        t.regex(queued.stdout.join('\n'), /60 of 60 points/);

        const local = await readFile(join(dir, 'local.csv'), 'utf8');
        t.is(local.split('\n').length, 62, 'a header, 60 rows and the final newline');
        t.is(await readFile(join(dir, 'queued.csv'), 'utf8'), local);
      });
    } finally {
      await redis.stop();
    }
  });
}
