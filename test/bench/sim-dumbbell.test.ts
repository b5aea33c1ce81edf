import test from 'ava';
import { runDumbbell } from '../../bench/sim-dumbbell.ts';

/** The dumbbell sanity bench: flows really share one bottleneck, and the figures are sane. */

const CEILING = 10e6 / 8;

test('two window-limited flows (N = 8) get equal shares and leave the bottleneck idle', async (t) => {
  const r = await runDumbbell(2, 8, 100_000, 1);
  t.is(r.perFlowBps.length, 2);
  t.true(r.jain > 0.99, `jain ${r.jain}`);
  t.is(r.drops, 0);
  // 8 × 1400 bytes per ~44 ms round trip per flow: far below 10 Mbit/s together.
  t.true(r.aggregateBps < 0.6 * CEILING, `aggregate ${r.aggregateBps}`);
});

test('four flows at N = 64 overflow the shared queue and never beat the bottleneck rate', async (t) => {
  const r = await runDumbbell(4, 64, 200_000, 1);
  t.true(r.drops > 0, 'the 64 KiB queue overflowed');
  t.true(r.meanSojournMs > 5, `mean queueing delay ${r.meanSojournMs} ms`);
  t.true(r.aggregateBps < CEILING, `aggregate ${r.aggregateBps} B/s`);
  t.true(r.aggregateBps > 0.5 * CEILING, `aggregate ${r.aggregateBps} B/s`);
});
