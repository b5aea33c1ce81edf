/**
 * The queue's Redis probe, apart from queue.ts: ioredis loads only with the queue commands
 * (queue-sweep.ts, queue-worker.ts, themselves loaded on demand), never at every CLI start.
 */
import { Redis } from 'ioredis';
import { WhohasError } from '../../impl/errors.ts';
import { PROBE_MS, parseQueueUrl } from './queue.ts';

/**
 * Pings Redis once, failing fast with QUEUE_UNAVAILABLE (ioredis alone would retry forever);
 * the connections BullMQ opens afterwards reconnect on their own through a Redis restart.
 */
export async function probeQueue(url: string): Promise<void> {
  const redis = new Redis(parseQueueUrl(url), {
    lazyConnect: true,
    connectTimeout: PROBE_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED...) says more than ioredis' "Connection is closed".
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const why = (cause ?? (error instanceof Error ? error : new Error(String(error)))).message;
    throw new WhohasError('QUEUE_UNAVAILABLE', `no Redis answered at ${url}: ${why}`);
  } finally {
    redis.disconnect();
  }
}
