/**
 * A sweep worker thread: runs the points it is sent, one at a time, and posts each row back.
 * Loaded through a small bootstrap that registers tsx first (see pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { PointRunner } from './point.ts';
import type { FromWorker, ToWorker } from './pool.ts';
import type { PointSpec } from './spec.ts';

const port = parentPort!;
const runner = new PointRunner();

port.on('message', async (message: ToWorker) => {
  if (message.type === 'close') {
    await runner.close();
    port.close();
    return;
  }
  const point: PointSpec = message.point;
  let reply: FromWorker;
  try {
    reply = { type: 'row', index: point.index, row: await runner.run(point) };
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    reply = { type: 'error', index: point.index, message: text };
  }
  port.postMessage(reply);
});
