import test from 'ava';
import type { PathConfig } from '../../sim/index.ts';
import { LinkQueue, resolveQueue } from '../../sim/queue.ts';
import { forkRandom } from '../../sim/random.ts';
import { blast, datagramPair, withinSigmas } from './datagram-pair.ts';

/**
 * Queues in front of a link, packet-exact. 40 datagrams of 1000 bytes (1028 on the wire, 0.8224
 * ms each at 10 Mbit/s) are sent at once: the first goes straight to the wire, the rest wait
 * while the queue admits them.
 */

const WIRE = 1000 + 28;
const TX_MS = (WIRE * 8) / 10e6 / 1e-3;

interface QueueCase {
  config: PathConfig;
  arrive: number;
  reason: 'queue' | 'red-early';
}

const holds = test.macro({
  async exec(t, { config, arrive, reason }: QueueCase) {
    const pair = await datagramPair({ bandwidthBps: 10e6, delayMs: 1, ...config }, { seed: 4 });
    const arrivals = await blast(pair, 40, 1000);
    t.deepEqual(
      arrivals.map((arrival) => arrival.seq),
      [...Array(arrive).keys()],
    );
    const stats = pair.sim.path(pair.a, pair.b).stats;
    t.is(stats.drops[reason], 40 - arrive);
    t.is(pair.sim.trace.counters.drops[reason], 40 - arrive);
    t.is(stats.enqueued, arrive);
    t.is(stats.peakQueuePackets, arrive - 1);
    t.is(stats.peakQueueBytes, (arrive - 1) * WIRE);
    // Packet k (from 0) waits k transmissions: the mean of 0..arrive−1.
    t.true(Math.abs(stats.meanSojournMs - ((arrive - 1) / 2) * TX_MS) < 1e-9);
  },
  title: (name) => name ?? '',
});

// The packet being transmitted no longer counts against the limit (as ns-3 and Linux count):
// a 16-packet queue holds 16 waiting plus the one on the wire. Before, 16 arrived in all.
test('drop-tail of 16 packets in bytes: 16 wait, 17 arrive', holds, {
  config: { queueBytes: 16 * WIRE },
  arrive: 17,
  reason: 'queue',
});
test('drop-tail as a queue spec in bytes: the same 17', holds, {
  config: { queue: { kind: 'droptail', bytes: 16 * WIRE } },
  arrive: 17,
  reason: 'queue',
});
test('drop-tail of 16 packets counted in packets: 17 arrive', holds, {
  config: { queue: { kind: 'droptail', packets: 16 } },
  arrive: 17,
  reason: 'queue',
});
test('drop-tail with both limits: the tighter one (3 packets) wins', holds, {
  config: { queue: { kind: 'droptail', bytes: 16 * WIRE, packets: 3 } },
  arrive: 4,
  reason: 'queue',
});
// With weight 1 the average is the occupancy a datagram finds: datagram k (from 1) finds k − 2
// waiting, so the 8th (6 waiting) is the first at maxTh 6; maxP 1e-12 makes early drops between
// the thresholds practically impossible.
const red = { kind: 'red', minTh: 5, maxTh: 6, maxP: 1e-12 } as const;
test('RED with weight 1: every arrival at or past maxTh is dropped, 7 arrive', holds, {
  config: { queue: { ...red, weight: 1 } },
  arrive: 7,
  reason: 'red-early',
});
// With weight 0.5 the average lags: a = 0, 0, 0.5, 1.25, 2.125, 3.06, 4.03, 5.02, 6.01: the 9th
// datagram is the first at maxTh.
test('RED with weight 0.5: the average lags the queue, 8 arrive', holds, {
  config: { queue: { ...red, weight: 0.5 } },
  arrive: 8,
  reason: 'red-early',
});
test('RED keeps its hard limit: 2 packets, 3 arrive', holds, {
  config: { queue: { ...red, weight: 1, packets: 2 } },
  arrive: 3,
  reason: 'queue',
});

test('RED between the thresholds spreads early drops evenly: gaps uniform on 1..1/pb − 1', (t) => {
  // Hold the occupancy at 10 waiting packets (their transmissions far in the future) and offer
  // arrivals that never join: weight 1 keeps avg = 10, so pb = 0.2 · (10 − 5) / (15 − 5) = 0.1.
  // Floyd and Jacobson's count makes P(gap > g) = (1 − (g + 1) pb) / (1 − pb): uniform on 1..9.
  const queue = new LinkQueue(
    resolveQueue({ kind: 'red', minTh: 5, maxTh: 15, maxP: 0.2, weight: 1 }, Infinity),
    forkRandom(4, 'red-gaps'),
  );
  for (let k = 0; k < 10; k++) queue.push(1e9, WIRE);
  const gaps: number[] = [];
  let sinceDrop = 0;
  for (let arrival = 0; arrival < 90_000; arrival++) {
    sinceDrop++;
    if (queue.admit(WIRE, 0, 1e9, 1250) === 'red-early') {
      gaps.push(sinceDrop);
      sinceDrop = 0;
    }
  }
  t.is(queue.average, 10);
  t.true(
    gaps.every((gap) => gap >= 1 && gap <= 9),
    `gaps ${Math.min(...gaps)}..${Math.max(...gaps)}`,
  );
  // Each of the 9 gap lengths about equally often (5 binomial sigmas).
  for (let gap = 1; gap <= 9; gap++) {
    const seen = gaps.filter((g) => g === gap).length;
    t.true(withinSigmas(seen, gaps.length, 1 / 9), `gap ${gap}: ${seen} of ${gaps.length}`);
  }
});

test('bad queue specs are refused with a clear message', async (t) => {
  const cases: [PathConfig, RegExp][] = [
    [{ queue: { kind: 'red', minTh: 5, maxTh: 5, maxP: 0.1, weight: 0.002 } }, /minTh < maxTh/],
    [{ queue: { kind: 'red', minTh: 1, maxTh: 5, maxP: 0, weight: 0.002 } }, /maxP and weight/],
    [{ queue: { kind: 'droptail', packets: -1 } }, /limits must be >= 0/],
    [{ queue: { kind: 'fifo' } as never }, /unknown queue kind 'fifo'/],
  ];
  for (const [config, message] of cases) {
    await t.throwsAsync(datagramPair(config), { message });
  }
});
