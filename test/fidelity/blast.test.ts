import test from 'ava';
import { type BlastSpec, simBlast } from '../../bench/fidelity/blast.ts';
import { buildNs3, parseFields, runNs3 } from '../../bench/fidelity/ns3.ts';
import { deviation, ns3Ready } from './ns3-gate.ts';

// A UDP blast through one drop-tail link, ours against ns-3's point-to-point device with its
// DropTailQueue: deterministic on both sides, so delivered, dropped and delays agree within 1 %.
const TOLERANCE = 0.01;

function ns3Args(spec: BlastSpec) {
  const queue = 'packets' in spec.queue ? `${spec.queue.packets}p` : `${spec.queue.bytes}B`;
  return {
    rateBps: spec.bandwidthBps,
    delayMs: spec.delayMs,
    queue,
    size: spec.size,
    count: spec.count,
    intervalUs: spec.intervalUs,
  };
}

async function ns3Blast(spec: BlastSpec) {
  return parseFields(await runNs3(await buildNs3('blast'), ns3Args(spec)));
}

const CASES: Array<[string, BlastSpec, boolean]> = [
  // 10 Mbit/s, 20 ms, offered 1.33× the rate: the queue fills and drops. 1002 B on the wire
  // (not 1000) keeps arrivals off the instants a transmission ends: at such a tie the two
  // simulators may order enqueue and dequeue differently, a legitimate difference.
  [
    '16-packet queue, 1002 B on the wire, 1.33× overload',
    {
      bandwidthBps: 10e6,
      delayMs: 20,
      queue: { packets: 16 },
      size: 972,
      count: 2000,
      intervalUs: 600,
    },
    true,
  ],
  [
    '64 KB queue, 1400 B datagrams, 1.27× overload',
    {
      bandwidthBps: 10e6,
      delayMs: 20,
      queue: { bytes: 64000 },
      size: 1400,
      count: 3000,
      intervalUs: 900,
    },
    true,
  ],
  [
    '100-packet queue at 100 Mbit/s, 5 ms, 1.1× overload',
    {
      bandwidthBps: 100e6,
      delayMs: 5,
      queue: { packets: 100 },
      size: 1372,
      count: 5000,
      intervalUs: 100,
    },
    true,
  ],
  [
    'a 16-packet queue below the rate: nothing dropped, delay is serialization + propagation',
    {
      bandwidthBps: 10e6,
      delayMs: 20,
      queue: { packets: 16 },
      size: 972,
      count: 500,
      intervalUs: 900,
    },
    false,
  ],
];

if (await ns3Ready('UDP blast through a drop-tail link')) {
  const matchesNs3 = test.macro({
    async exec(t, spec: BlastSpec, overloaded: boolean) {
      const [ours, theirs] = await Promise.all([simBlast(spec), ns3Blast(spec)]);
      t.log(`ours ${JSON.stringify(ours)}`);
      t.log(`ns-3 ${JSON.stringify(theirs)}`);
      // The premise: the queue overflowed (or, below the rate, never did) on both sides.
      t.is(theirs.dropped > 0, overloaded);
      t.is(ours.dropped > 0, overloaded);
      t.true(Math.abs(ours.delivered - theirs.delivered) <= TOLERANCE * theirs.delivered);
      t.true(Math.abs(ours.dropped - theirs.dropped) <= TOLERANCE * Math.max(1, theirs.dropped));
      for (const key of ['mean_delay_ms', 'max_delay_ms', 'last_arrival_ms'] as const) {
        t.true(
          deviation(ours[key], theirs[key]) <= TOLERANCE,
          `${key}: ours ${ours[key]}, ns-3 ${theirs[key]}`,
        );
      }
    },
    title: (name = '') => `${name}: ours within 1 % of ns-3`,
  });
  for (const [name, spec, overloaded] of CASES) test(name, matchesNs3, spec, overloaded);

  test('the comparison tells one packet of queue apart (it can fail)', async (t) => {
    // The gap the issue found: a queue holding one packet fewer (the old count of the packet on
    // the wire) is 2.4 % faster here, past the 1 % tolerance.
    const spec = CASES[0][1];
    const [ours, theirs] = await Promise.all([
      simBlast({ ...spec, queue: { packets: 15 } }),
      ns3Blast(spec),
    ]);
    t.true(deviation(ours.mean_delay_ms, theirs.mean_delay_ms) > TOLERANCE);
  });
}
