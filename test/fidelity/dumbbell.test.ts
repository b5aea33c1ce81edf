import test from 'ava';
import {
  type DumbbellExperiment,
  ns3Dumbbell,
  simDumbbell,
} from '../../bench/fidelity/dumbbell.ts';
import { deviation, ns3Ready } from './ns3-gate.ts';

// K textbook Go-Back-N flows across one 10 Mbit/s, 20 ms bottleneck with a 44-packet drop-tail
// queue (64 KB of 1400 B datagrams), ours through the sweep's topology point, ns-3 through
// fidelity/ns3/dumbbell.cc. Nothing is random, so the two agree packet for packet: aggregate
// throughput, Jain's index and even the bottleneck's drops. Left out: N = 64 with 8 or more
// flows, where dozens of packets reach the full queue at the same instant and which of them
// the queue takes depends on how each simulator orders simultaneous events (we found 17 % and
// −13 % there: chaotic, not a modelling gap; see bench/fidelity/README.md).
const BASE = {
  bandwidthBps: 10e6,
  delayMs: 20,
  queuePackets: 44,
  packetSize: 1400,
  fileBytes: 1e6,
  rtoMs: 200,
};
const TOLERANCE = 0.01;

if (await ns3Ready('dumbbell of K Go-Back-N flows')) {
  const matches = test.macro({
    async exec(t, window: number, flows: number) {
      const experiment: DumbbellExperiment = { ...BASE, window, flows };
      const [ours, theirs] = await Promise.all([simDumbbell(experiment), ns3Dumbbell(experiment)]);
      t.log(`ours ${JSON.stringify(ours)}`);
      t.log(`ns-3 ${JSON.stringify(theirs)}`);
      t.true(deviation(ours.throughputBps, theirs.throughputBps) <= TOLERANCE);
      t.true(deviation(ours.flowMinBps, theirs.flowMinBps) <= TOLERANCE);
      t.true(deviation(ours.flowMaxBps, theirs.flowMaxBps) <= TOLERANCE);
      t.true(Math.abs(ours.jain - theirs.jain) <= TOLERANCE);
      t.true(Math.abs(ours.drops - theirs.drops) <= TOLERANCE * Math.max(1, theirs.drops));
    },
    title: (_, window: number, flows: number) =>
      `dumbbell, N = ${window}, K = ${flows}: aggregate, per-flow min/max, fairness and drops within 1 % of ns-3`,
  });
  for (const flows of [2, 4, 8, 16]) test(matches, 8, flows);
  for (const flows of [2, 4]) test(matches, 64, flows);

  test('the dumbbell comparison sees the queue: 16 flows at N = 8 overflow it on both sides', async (t) => {
    const experiment = { ...BASE, window: 8, flows: 16 };
    const [ours, theirs] = await Promise.all([simDumbbell(experiment), ns3Dumbbell(experiment)]);
    t.true(ours.drops > 0);
    t.true(theirs.drops > 0);
    t.true(ours.jain < 0.99); // the drops fall unevenly
  });
}
