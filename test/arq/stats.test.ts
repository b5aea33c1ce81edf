import test from 'ava';
import { StatsRecorder } from '../../impl/arq/stats.ts';

test('a snapshot measures time from the start to the end, or to now while running', (t) => {
  const stats = new StatsRecorder();
  t.is(stats.snapshot(500).seconds, 0, 'not started: no time has passed');
  stats.startedAt = 1_000;
  stats.bytes = 4_000;
  t.is(stats.snapshot(3_000).seconds, 2);
  t.is(stats.snapshot(3_000).throughputBps, 2_000);
  stats.endedAt = 2_000;
  t.is(stats.snapshot(9_000).seconds, 1, 'after the end the clock stops');
  t.is(stats.snapshot(9_000).throughputBps, 4_000);
});

test('a snapshot is a frozen copy: later counting does not change it', (t) => {
  const stats = new StatsRecorder();
  stats.packetsSent = 3;
  const before = stats.snapshot(0);
  stats.packetsSent = 4;
  t.is(before.packetsSent, 3);
  t.true(Object.isFrozen(before));
  t.is(before.throughputBps, 0, 'no time, no throughput (never NaN or Infinity)');
});
