/**
 * `whohas worker --queue redis://HOST:PORT [--concurrency N]`: runs the points that
 * `whohas sweep --queue` enqueues, on any number of machines, until stopped (SIGINT or SIGTERM
 * lets the running points finish first). What runs is worker-run.ts, loaded only then.
 */
import type { Command } from 'commander';

export interface WorkerFlags {
  queue: string;
  concurrency: string;
  lockDuration: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run the points of sweeps started with whohas sweep --queue, until stopped')
    .requiredOption('--queue <redis://HOST:PORT>', 'the Redis the sweeps enqueue on')
    .option('--concurrency <n>', 'points at once, one worker thread each', '1')
    .option(
      '--lock-duration <duration>',
      "a job's lock: a dead worker's point goes to another within 1.5 times this",
      '30s',
    )
    .option('--quiet', 'do not print each point as it starts and finishes')
    .action(async (flags: WorkerFlags) => {
      const { runWorker } = await import('./worker-run.ts');
      await runWorker(flags);
    });
}
