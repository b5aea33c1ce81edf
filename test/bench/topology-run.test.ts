import test from 'ava';
import { expandMatrix, type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';
import type { TopologySettings } from '../../bench/sweep/topology.ts';
import { runTopologyPoint } from '../../bench/sweep/topology-run.ts';
import type { Scheme } from '../../impl/arq/codec.ts';

// A 10 Mbit/s, 20 ms bottleneck (1.25 MB/s): small files keep each point well under a second.
function point(
  window: number,
  topology: Omit<TopologySettings, 'kind'>,
  schemes: Scheme[] = ['gbn'],
) {
  const spec: SweepSpec = {
    ...unsweptDefaults(),
    transport: 'sim',
    engine: 'gbn',
    profiles: ['ideal'],
    schemes,
    windows: [window],
    packetSizes: [1400],
    sizes: [400_000],
    losses: [0],
    delaysMs: [20],
    bandwidthsBps: [10e6],
    seeds: [7],
    congestion: 'none',
    fastRetransmit: false,
    topology: { kind: 'dumbbell', ...topology },
  };
  return expandMatrix(spec)[0];
}

const QUIET = { queue: { bytes: 64000 }, cross: null, mix: null };

test('two window-limited flows share the bottleneck evenly and each arrives byte for byte', async (t) => {
  const row = await runTopologyPoint(point(8, { ...QUIET, flows: [2] }));
  t.is(row.status, 'ok'); // every flow's digest-only copy matched the generator's hash
  t.is(row.flows, 2);
  t.true(Number(row.jain_fairness) > 0.999);
  // N = 8 over a 40 ms round trip cannot fill 10 Mbit/s: no drops, no retransmissions.
  t.is(row.bottleneck_drops, 0);
  t.is(row.retransmits, 0);
  t.true(Number(row.throughput_Bps) < 1.25e6);
});

test('sixteen flows at N = 64 overflow a 16-packet queue and still deliver every byte', async (t) => {
  const row = await runTopologyPoint(point(64, { ...QUIET, queue: { packets: 16 }, flows: [16] }));
  t.is(row.status, 'ok');
  // The premise: the shared queue overflowed and the flows went back for it.
  t.true(Number(row.bottleneck_drops) > 0);
  t.true(Number(row.retransmits) > 0);
  t.true(Number(row.throughput_Bps) <= 1.25e6);
  t.true(Number(row.flow_min_Bps) < Number(row.flow_max_Bps));
});

test('5 Mbit/s of cross traffic takes its share from the flows', async (t) => {
  const quiet = await runTopologyPoint(point(64, { ...QUIET, flows: [4] }));
  const busy = await runTopologyPoint(
    point(64, { ...QUIET, flows: [4], cross: { rateBps: 5e6, onMs: 0, offMs: 0 } }),
  );
  t.is(busy.status, 'ok');
  t.is(busy.cross, '5000000bps');
  t.true(Number(busy.throughput_Bps) < 0.75 * Number(quiet.throughput_Bps));
  // On/off at half duty takes less than constant.
  const onOff = await runTopologyPoint(
    point(64, { ...QUIET, flows: [4], cross: { rateBps: 5e6, onMs: 100, offMs: 100 } }),
  );
  t.true(Number(onOff.throughput_Bps) > Number(busy.throughput_Bps));
});

test('Go-Back-N and Selective Repeat share one queue with --mix; the same seed gives the same row', async (t) => {
  const mixed = point(32, { ...QUIET, queue: { packets: 20 }, flows: [4], mix: ['gbn', 'sr'] }, [
    'gbn',
    'sr',
  ]);
  const row = await runTopologyPoint(mixed);
  t.is(row.status, 'ok');
  t.is(row.arq, 'gbn+sr');
  t.is(row.mix, 'on');
  t.deepEqual(await runTopologyPoint(mixed), row);
});
