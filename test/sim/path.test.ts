import test from 'ava';
import type { SystemError } from '../../impl/platform/types.ts';
import type { PathConfig } from '../../sim/index.ts';
import { BLAST_PORT, blast, datagramPair, numbered, withinSigmas } from './datagram-pair.ts';

const SEED = 11;

test(`i.i.d. loss over 100,000 datagrams is within 5 sigma of the configured 5 % (seed ${SEED})`, async (t) => {
  const pair = await datagramPair({ loss: 0.05 }, { seed: SEED });
  const n = 100_000;
  const arrivals = await blast(pair, n, 16);
  const lost = n - arrivals.length;
  t.true(withinSigmas(lost, n, 0.05), `lost ${lost} of ${n}`);
  t.is(pair.sim.trace.counters.drops.loss, lost);
  t.is(pair.sim.path(pair.a, pair.b).stats.dropped, lost);
  t.is(pair.sim.path(pair.a, pair.b).stats.lost, lost);
});

test(`a 1 MB burst over 10 Mbit/s with 10 ms delay arrives exactly on time (seed ${SEED})`, async (t) => {
  const pair = await datagramPair(
    { bandwidthBps: 10e6, delayMs: 10, queueBytes: 2e6 },
    { seed: SEED },
  );
  const start = pair.sim.now;
  const arrivals = await blast(pair, 1000, 1000);
  // Each datagram is 1000 payload + 28 header bytes = 8224 bits: 0.8224 ms at 10 Mbit/s.
  // Datagram k (from 1) finishes serializing at k · 0.8224 ms and lands 10 ms later:
  // the first at 10.8224 ms, the last (1,028,000 bytes in all) at 822.4 + 10 = 832.4 ms.
  t.is(arrivals.length, 1000);
  t.true(Math.abs(arrivals[0].time - start - 10.8224) < 1e-9, `first at ${arrivals[0].time}`);
  t.true(Math.abs(arrivals[999].time - start - 832.4) < 1e-6, `last at ${arrivals[999].time}`);
  t.deepEqual(
    arrivals.map((arrival) => arrival.seq),
    [...Array(1000).keys()],
  );
});

test(`Gilbert-Elliott loss: mean burst length 1/pBadToGood, loss rate the stationary one (seed ${SEED})`, async (t) => {
  const burstLoss = { pGoodToBad: 0.01, pBadToGood: 0.2, lossGood: 0, lossBad: 1 };
  const pair = await datagramPair({ burstLoss }, { seed: SEED });
  const n = 100_000;
  const arrivals = await blast(pair, n, 16);
  const received = new Uint8Array(n);
  for (const arrival of arrivals) received[arrival.seq] = 1;
  const bursts: number[] = [];
  let run = 0;
  for (let seq = 0; seq <= n; seq++) {
    if (seq < n && received[seq] === 0) run++;
    else if (run > 0) {
      bursts.push(run);
      run = 0;
    }
  }
  const mean = bursts.reduce((sum, length) => sum + length, 0) / bursts.length;
  // Burst lengths are geometric: mean 1/0.2 = 5, variance (1 − 0.2)/0.2² = 20.
  const sdOfMean = Math.sqrt(20 / bursts.length);
  t.true(Math.abs(mean - 5) <= 5 * sdOfMean, `mean burst ${mean} over ${bursts.length} bursts`);
  // Stationary share of the bad state: 0.01 / (0.01 + 0.2).
  const lossRate = (n - arrivals.length) / n;
  t.true(Math.abs(lossRate - 0.01 / 0.21) < 0.01, `loss rate ${lossRate}`);
  t.is(pair.sim.trace.counters.drops['burst-loss'], n - arrivals.length);
});

interface RateCase {
  config: PathConfig;
  counter: 'reordered' | 'duplicated' | 'corrupted';
  /** How a receiver observes the impairment in the arrivals. */
  observe: (arrivals: { seq: number; intact: boolean }[]) => number;
}

const impairmentRate = test.macro({
  async exec(t, rate: number, { config, counter, observe }: RateCase) {
    const n = 20_000;
    // 10 Mbit/s spaces 100-byte datagrams 0.1024 ms apart, so a 5 ms extra delay reorders.
    const pair = await datagramPair({ bandwidthBps: 10e6, delayMs: 1, ...config }, { seed: SEED });
    const arrivals = await blast(pair, n, 100);
    const counted = pair.sim.trace.counters[counter];
    t.true(withinSigmas(counted, n, rate), `${counter} ${counted} of ${n}`);
    t.is(observe(arrivals), counted);
    t.is(pair.sim.path(pair.a, pair.b).stats[counter], counted);
  },
  title: (_title, rate: number, { counter }: RateCase) =>
    `${counter} happens at its rate ${rate} and every case is counted (seed ${SEED})`,
});

function lateArrivals(arrivals: { seq: number }[]): number {
  let highest = -1;
  let late = 0;
  for (const { seq } of arrivals) {
    if (seq < highest) late++;
    else highest = seq;
  }
  return late;
}

test(impairmentRate, 0.05, {
  config: { reorder: 0.05, reorderDelayMs: 5 },
  counter: 'reordered',
  observe: lateArrivals,
});

test(impairmentRate, 0.03, {
  config: { duplicate: 0.03 },
  counter: 'duplicated',
  observe: (arrivals) => arrivals.length - new Set(arrivals.map((arrival) => arrival.seq)).size,
});

test(impairmentRate, 0.02, {
  config: { corrupt: 0.02 },
  counter: 'corrupted',
  // A flipped byte in the sequence number still yields a pattern mismatch.
  observe: (arrivals) => arrivals.filter((arrival) => !arrival.intact).length,
});

test('the drop-tail queue holds queueBytes and drops the rest, counted as queue drops', async (t) => {
  const wire = 100 + 28;
  const pair = await datagramPair({ bandwidthBps: 1e6, queueBytes: 10 * wire }, { seed: SEED });
  const arrivals = await blast(pair, 100, 100);
  // All sent at once: the first goes straight to the wire, then a datagram waits while the bytes
  // waiting ahead of it plus its own fit: 10 wait, 11 arrive.
  t.deepEqual(
    arrivals.map((arrival) => arrival.seq),
    [...Array(11).keys()],
  );
  t.is(pair.sim.trace.counters.drops.queue, 89);
  t.like(pair.sim.path(pair.a, pair.b).stats, { dropped: 89, queueDropped: 89, lost: 0 });
});

test('jitter never reorders a FIFO path; only reorder does', async (t) => {
  const pair = await datagramPair(
    { bandwidthBps: 100e6, delayMs: 5, jitter: { kind: 'pareto', scaleMs: 2, shape: 1.5 } },
    { seed: SEED },
  );
  const arrivals = await blast(pair, 5000, 200, 0.01);
  t.is(arrivals.length, 5000);
  t.is(lateArrivals(arrivals), 0);
  const spread = arrivals.map((arrival, seq) => arrival.time - seq * 0.01);
  t.true(Math.max(...spread) > Math.min(...spread) + 1, 'pareto jitter spreads the delays');
});

test('a partition drops datagrams; heal lets them through again', async (t) => {
  const pair = await datagramPair('lan', { seed: SEED });
  pair.sim.partition(pair.a, pair.b);
  t.is((await blast(pair, 20, 64)).length, 0);
  t.is(pair.sim.trace.counters.drops.partition, 20);
  t.like(pair.sim.path(pair.a, pair.b).stats, { dropped: 20, partitionDropped: 20, lost: 0 });
  pair.sim.heal(pair.a, pair.b);
  const arrivals: number[] = [];
  pair.receiver.on('message', (message) => arrivals.push(message.readUInt32BE(0)));
  for (let seq = 0; seq < 5; seq++) pair.sender.send(numbered(seq, 64), BLAST_PORT, pair.b.address);
  await pair.sim.run();
  t.deepEqual(arrivals, [0, 1, 2, 3, 4]);
});

test('hold keeps datagrams; release delivers every one of them, in order', async (t) => {
  const pair = await datagramPair('wan', { seed: SEED });
  pair.sim.hold(pair.a, pair.b);
  const arrivals = await blast(pair, 50, 64);
  t.is(arrivals.length, 0);
  t.true(pair.sim.path(pair.a, pair.b).isHeld);
  pair.sim.release(pair.a, pair.b);
  await pair.sim.run();
  t.is(arrivals.length, 50 - pair.sim.trace.counters.dropped);
  t.deepEqual(
    arrivals.map((arrival) => arrival.seq),
    arrivals.map((arrival) => arrival.seq).sort((x, y) => x - y),
  );
});

test('a datagram over the path MTU fails with EMSGSIZE; one that fits goes through', async (t) => {
  const pair = await datagramPair({ mtu: 1500 }, { seed: SEED });
  const results: (string | null)[] = [];
  const record = (error: SystemError | null) => results.push(error?.code ?? null);
  pair.sender.send(Buffer.alloc(1473), BLAST_PORT, pair.b.address, record);
  pair.sender.send(Buffer.alloc(1472), BLAST_PORT, pair.b.address, record);
  let received = 0;
  pair.receiver.on('message', () => received++);
  const errors: string[] = [];
  pair.sender.on('error', (error) => errors.push(error.code));
  pair.sender.send(Buffer.alloc(4000), BLAST_PORT, pair.b.address);
  await pair.sim.run();
  t.deepEqual(results, ['EMSGSIZE', null]);
  t.deepEqual(errors, ['EMSGSIZE']);
  t.is(received, 1);
});

const profileDelivers = test.macro({
  async exec(t, profile: 'loopback' | 'lan', oneWayMs: number) {
    const pair = await datagramPair(profile, { seed: SEED });
    const arrivals = await blast(pair, 64, 2048);
    t.is(arrivals.length, 64);
    t.is(pair.sim.trace.counters.dropped, 0);
    const last = arrivals[63].time;
    const serialization =
      (64 * (2048 + 28) * 8) / pair.sim.path(pair.a, pair.b).config.bandwidthBps;
    t.true(Math.abs(last - (oneWayMs + serialization * 1000)) < 0.1, `last arrival ${last} ms`);
  },
  title: (_title, profile: string) =>
    `${profile} carries a 64-packet window of 2 KB datagrams without drops (seed ${SEED})`,
});

test(profileDelivers, 'lan', 0.1);
test(profileDelivers, 'loopback', 0.01);
