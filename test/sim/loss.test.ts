import test from 'ava';
import type { PathConfig } from '../../sim/index.ts';
import { Simulator } from '../../sim/index.ts';
import { chain } from '../../sim/topologies.ts';
import { blast, datagramPair, numbered, withinSigmas } from './datagram-pair.ts';

/** Loss models beside i.i.d. and Gilbert-Elliott (see path.test.ts): errors, drop lists. */

const SEED = 21;

interface ErrorCase {
  config: PathConfig;
  payload: number;
  /** The loss probability the model promises for that size. */
  p: number;
}

const errorRate = test.macro({
  async exec(t, { config, payload, p }: ErrorCase) {
    const n = 20_000;
    const pair = await datagramPair({ bandwidthBps: 1e9, ...config }, { seed: SEED });
    const arrivals = await blast(pair, n, payload);
    const lost = n - arrivals.length;
    t.true(withinSigmas(lost, n, p), `lost ${lost} of ${n}, expected about ${n * p}`);
    t.is(pair.sim.path(pair.a, pair.b).stats.drops['bit-error'], lost);
    t.is(pair.sim.trace.counters.drops['bit-error'], lost);
  },
  title: (name) => name ?? '',
});

// The size trade-off a per-datagram loss cannot show: the same ber loses large datagrams more.
test('ber 1e-5 loses 1 − (1 − ber)^(8 · 1028) ≈ 7.9 % of 1000-byte datagrams', errorRate, {
  config: { ber: 1e-5 },
  payload: 1000,
  p: 1 - (1 - 1e-5) ** (8 * 1028),
});
test('ber 1e-5 loses ≈ 1.0 % of 100-byte datagrams (128 on the wire)', errorRate, {
  config: { ber: 1e-5 },
  payload: 100,
  p: 1 - (1 - 1e-5) ** (8 * 128),
});
test(
  'a byte error rate of 1e-4 loses 1 − (1 − 1e-4)^1028 ≈ 9.8 % of 1000-byte datagrams',
  errorRate,
  {
    config: { byteErrorRate: 1e-4 },
    payload: 1000,
    p: 1 - (1 - 1e-4) ** 1028,
  },
);
test('framing counts toward the error rate: 1028 + 38 bytes at ber 1e-5', errorRate, {
  config: { ber: 1e-5, framingBytes: 28 + 38 },
  payload: 1000,
  p: 1 - (1 - 1e-5) ** (8 * 1066),
});

test('a drop list drops exactly the k-th datagrams of a path (1-based)', async (t) => {
  const pair = await datagramPair({ dropList: [1, 3, 7, 50] }, { seed: SEED });
  const arrivals = await blast(pair, 10, 100);
  t.deepEqual(
    arrivals.map((arrival) => arrival.seq),
    [1, 3, 4, 5, 7, 8, 9],
  );
  t.is(pair.sim.path(pair.a, pair.b).stats.drops['drop-list'], 3);
  t.is(pair.sim.path(pair.a, pair.b).stats.lost, 3);
});

test('a drop list counts what leaves the queue: datagrams the queue refused are not counted', async (t) => {
  // 1 on the wire + 2 waiting get through the queue; of those the 2nd is dropped by the list.
  const pair = await datagramPair(
    { bandwidthBps: 1e6, queue: { kind: 'droptail', packets: 2 }, dropList: [2] },
    { seed: SEED },
  );
  const arrivals = await blast(pair, 10, 100);
  t.deepEqual(
    arrivals.map((arrival) => arrival.seq),
    [0, 2],
  );
  t.like(pair.sim.path(pair.a, pair.b).stats.drops, { queue: 7, 'drop-list': 1 });
});

test('a drop list on one link of a chain drops there and nowhere else', async (t) => {
  const sim = new Simulator({ seed: SEED });
  const c = chain(sim, { hops: 3, link: { bandwidth: '100Mbit', delayMs: 1 } });
  sim.link(c.routers[0], c.routers[1], { bandwidth: '100Mbit', delayMs: 1, dropList: [2, 4] });
  const sender = c.first.platform.dgram.createSocket();
  const receiver = c.last.platform.dgram.createSocket();
  await sim.until(Promise.all([sender.bind(4000), receiver.bind(4000)]));
  const seen: number[] = [];
  receiver.on('message', (message) => seen.push(message.readUInt32BE(0)));
  for (let seq = 0; seq < 6; seq++) sender.send(numbered(seq, 200), 4000, c.last.address);
  await sim.run();
  t.deepEqual(seen, [0, 2, 4, 5]);
  t.deepEqual(
    c.links.map((link) => link.stats.drops['drop-list'] ?? 0),
    [0, 2, 0],
  );
});

test('framing bytes change serialization: 1000 + 30 bytes (PPP) take 0.824 ms at 10 Mbit/s', async (t) => {
  const pair = await datagramPair(
    { bandwidth: '10Mbit', delayMs: 5, framingBytes: 30 },
    { seed: SEED },
  );
  const [arrival] = await blast(pair, 1, 1000);
  t.true(Math.abs(arrival.time - (5 + (1030 * 8) / 10e3)) < 1e-9, `arrived at ${arrival.time}`);
});

test('bad loss settings are refused with clear messages', async (t) => {
  const cases: [PathConfig, RegExp][] = [
    [{ ber: 1.5 }, /ber must be a probability/],
    [{ byteErrorRate: -0.1 }, /byteErrorRate must be a probability/],
    [{ dropList: [0, 2] }, /dropList holds 1-based/],
    [{ framingBytes: -1 }, /framingBytes must be a whole number/],
  ];
  for (const [config, message] of cases) {
    await t.throwsAsync(datagramPair(config), { message });
  }
});
