/**
 * `whohas worker --queue redis://HOST:PORT [--concurrency N]`: runs the points that
 * `whohas sweep --queue` enqueues, on any number of machines, until stopped (SIGINT or SIGTERM
 * lets the running points finish first).
 */
import type { Command } from 'commander';
import { parseQueueUrl, QUEUE_NAME } from '../../bench/sweep/queue.ts';
import { parseCount, parseDuration } from '../../bench/units.ts';
import { named } from '../sweep-flags.ts';

interface WorkerFlags {
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
      const url = parseQueueUrl(flags.queue);
      const concurrency = named('--concurrency', flags.concurrency, parseCount);
      const lockDurationMs = named('--lock-duration', flags.lockDuration, parseDuration);
      // BullMQ loads with the worker only: every other command starts without it.
      const { startQueueWorker } = await import('../../bench/sweep/queue-worker.ts');
      const worker = await startQueueWorker({
        url,
        concurrency,
        lockDurationMs,
        onLog: flags.quiet ? undefined : (line) => console.log(line),
      });
      console.log(
        `whohas worker ready: ${concurrency} thread${concurrency > 1 ? 's' : ''} on queue ${QUEUE_NAME} at ${url} (pid ${process.pid})`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      console.log('whohas worker stopping: letting the running points finish');
      await worker.close();
      console.log('whohas worker stopped');
    });
}
