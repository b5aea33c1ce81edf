/**
 * Members that never read (issue "Murphy's law, proven": ~1.2 MB held per non-reading member,
 * 735 MB at 600). Besides each client's own cap, the outboxes of all clients share one budget
 * (maxTotalOutboxBytes): past it the largest backlogs are cut off first, so the server's memory
 * is bounded however many members stop reading, and readers get every line.
 */
import test from 'ava';
import type { LineClient } from '../../harness/line-client.ts';
import { onSim } from '../helpers/chat-world.ts';

const LINE = 'x'.repeat(1000);

test(
  'non-reading members cannot hold more than the global outbox budget; readers get every line',
  onSim,
  async (t, world) => {
    const alice = await world.login('alice', 'room', { create: true });
    const carol = await world.login('carol', 'room');
    const deaf: LineClient[] = [];
    for (let i = 0; i < 8; i++) deaf.push(await world.login(`deaf${i}`, 'room'));
    await world.sleep(100);
    for (const client of deaf) client.socket.pause();
    const streams = world.sim!.host('server').streams;
    let peak = 0;
    for (let i = 0; i < 400; i++) {
      alice.send(`@all|${i} ${LINE}`);
      await world.sleep(2);
      let held = 0;
      for (const stream of streams) held += stream.writableLength;
      peak = Math.max(peak, held);
    }
    // Before: every deaf member filled its own 128 KiB cap, about 1 MiB held in all.
    t.true(peak <= 256 * 1024 + 16 * 1024, `peak ${peak} bytes held`);
    // Read synchronously: each await may let virtual time jump to the next timer.
    t.is(carol.lines.filter((line) => line.startsWith('#alice|')).length, 400);
    t.true(world.server.stats.cutOffBudget >= 1);
    alice.send('@me|fine');
    t.is(await alice.until((line) => line.startsWith('#')), '#me|fine');
  },
  {
    maxOutboxBytes: 128 * 1024,
    maxTotalOutboxBytes: 256 * 1024,
    stallTimeoutMs: 1e9,
    rateLinesPerSecond: 1e6,
    rateBurst: 1e6,
  },
);
