import test from 'ava';
import { Simulator } from '../../sim/index.ts';
import { blast, datagramPair } from './datagram-pair.ts';

/** CoDel (RFC 8289): a standing queue is cut back to about its target, bursts pass untouched. */

const TX_MS = (1028 * 8) / 10e3;
const CODEL = { kind: 'codel', packets: 1000 } as const;

async function overload(queue: typeof CODEL | { kind: 'droptail'; packets: number }) {
  // 5 % over the link rate for 20 s of sending: an unresponsive flow, so CoDel's drop rate has
  // to ramp up (interval / sqrt(count)) to shed the excess; it gets there in about a second.
  const n = Math.floor(20_000 / (TX_MS / 1.05));
  const pair = await datagramPair({ bandwidth: '10Mbit', delayMs: 10, queue }, { seed: 8 });
  const arrivals = await blast(pair, n, 1000, TX_MS / 1.05);
  return { n, arrivals, stats: pair.sim.path(pair.a, pair.b).stats };
}

test('under persistent overload CoDel holds the queueing delay near its 5 ms target', async (t) => {
  const dropTail = await overload({ kind: 'droptail', packets: 1000 });
  // The premise: a plain 1000-packet queue stands full, delaying everything by hundreds of ms.
  t.true(dropTail.stats.meanSojournMs > 300, `drop-tail ${dropTail.stats.meanSojournMs} ms`);
  const codel = await overload(CODEL);
  t.true(codel.stats.meanSojournMs < 20, `codel ${codel.stats.meanSojournMs} ms`);
  t.true((codel.stats.drops.codel ?? 0) > 0);
  t.is(codel.stats.drops.queue, undefined, 'CoDel, not the hard limit, dropped');
  // And the link stays busy: within 3 % of what 10 Mbit/s carries in the sending time.
  t.true(codel.arrivals.length >= 0.97 * (20_000 / TX_MS), `${codel.arrivals.length} arrived`);
  t.is(codel.arrivals.length + (codel.stats.drops.codel ?? 0), codel.n);
});

test('a burst that drains within one interval passes untouched', async (t) => {
  // 50 at once wait up to 49 × 0.8224 = 40 ms: above target, but for less than 100 ms.
  const pair = await datagramPair({ bandwidth: '10Mbit', queue: CODEL }, { seed: 8 });
  const arrivals = await blast(pair, 50, 1000);
  t.is(arrivals.length, 50);
  const stats = pair.sim.path(pair.a, pair.b).stats;
  t.like(stats, { dropped: 0, enqueued: 50, peakQueuePackets: 49 });
  t.true(Math.abs(stats.meanSojournMs - 24.5 * TX_MS) < 1e-9);
});

test('stream segments are never dropped by CoDel: every byte arrives', async (t) => {
  const sim = new Simulator({ seed: 8 });
  const [a, b] = [sim.addHost('a'), sim.addHost('b')];
  sim.connect(a, b, { bandwidth: '1Mbit', delayMs: 20, queue: CODEL });
  const server = b.platform.net.createServer();
  let got = 0;
  server.on('connection', (socket) => socket.on('data', (chunk) => (got += chunk.length)));
  await sim.until(server.listen(7000));
  const client = await sim.until(a.platform.net.connect(7000, b.address));
  client.write(Buffer.alloc(500_000, 1));
  await sim.runUntil(sim.now + 10_000);
  t.is(got, 500_000);
  const stats = sim.path(a, b).stats;
  // The premise: segments did stand in the queue well past the target for whole intervals.
  t.true(stats.meanSojournMs > 100, `mean sojourn ${stats.meanSojournMs} ms`);
  t.is(stats.dropped, 0);
});

test('bad CoDel settings are refused', async (t) => {
  await t.throwsAsync(datagramPair({ queue: { kind: 'codel', targetMs: 0 } }), {
    message: /targetMs and intervalMs must be > 0/,
  });
});
