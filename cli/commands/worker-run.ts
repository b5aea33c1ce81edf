/** The action of `whohas worker` (its options: worker.ts), loaded only when it runs. */
import { parseQueueUrl, QUEUE_NAME } from '../../bench/sweep/queue.ts';
import { parseCount, parseDuration } from '../../bench/units.ts';
import { named } from '../sweep-flags.ts';
import type { WorkerFlags } from './worker.ts';

export async function runWorker(flags: WorkerFlags): Promise<void> {
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
}
