/**
 * The dumbbell of fidelity/ns3/dumbbell.cc on our simulator and on ns-3: K textbook Go-Back-N
 * flows (fixed N, fixed RTO, timeout-only recovery, an ACK per packet) across one bottleneck,
 * our side through the sweep's own topology point (bench/sweep/topology-run.ts). Both reduce to
 * the sweep's figures: aggregate throughput (all bytes over first start to last end), per-flow
 * min and max, Jain's fairness index, and the datagrams lost in the bottleneck.
 */
import { expandMatrix, unsweptDefaults } from '../sweep/spec.ts';
import { jainFairness } from '../sweep/topology.ts';
import { runTopologyPoint } from '../sweep/topology-run.ts';
import { GBN_SIZES } from './gbn.ts';
import { buildNs3, ns3Rate, parseFields, runNs3 } from './ns3.ts';

export interface DumbbellExperiment {
  flows: number;
  window: number;
  bandwidthBps: number;
  delayMs: number;
  queuePackets: number;
  packetSize: number;
  fileBytes: number;
  rtoMs: number;
}

export interface DumbbellFigures {
  throughputBps: number;
  flowMinBps: number;
  flowMaxBps: number;
  jain: number;
  drops: number;
}

export async function simDumbbell(experiment: DumbbellExperiment): Promise<DumbbellFigures> {
  const [point] = expandMatrix({
    ...unsweptDefaults(),
    transport: 'sim',
    engine: 'gbn',
    profiles: ['ideal'],
    windows: [experiment.window],
    packetSizes: [experiment.packetSize],
    sizes: [experiment.fileBytes],
    losses: [0],
    delaysMs: [experiment.delayMs],
    bandwidthsBps: [experiment.bandwidthBps],
    seeds: [1],
    rto: { mode: 'fixed', ms: experiment.rtoMs },
    ackEvery: 1,
    congestion: 'none',
    fastRetransmit: false,
    topology: {
      kind: 'dumbbell',
      flows: [experiment.flows],
      queue: { packets: experiment.queuePackets },
      cross: null,
      mix: null,
    },
  });
  const row = await runTopologyPoint(point);
  if (row.status !== 'ok') throw new Error(`dumbbell point failed: ${row.status}`);
  return {
    throughputBps: Number(row.throughput_Bps),
    flowMinBps: Number(row.flow_min_Bps),
    flowMaxBps: Number(row.flow_max_Bps),
    jain: Number(row.jain_fairness),
    drops: Number(row.bottleneck_drops),
  };
}

export async function ns3Dumbbell(experiment: DumbbellExperiment): Promise<DumbbellFigures> {
  const output = await runNs3(await buildNs3('dumbbell'), {
    flows: experiment.flows,
    rateBps: ns3Rate(experiment.bandwidthBps, experiment.packetSize),
    delayMs: experiment.delayMs,
    queue: `${experiment.queuePackets}p`,
    accessBps: 10e9,
    window: experiment.window,
    packet: experiment.packetSize,
    bytes: experiment.fileBytes,
    rtoMs: experiment.rtoMs,
    ...GBN_SIZES,
  });
  const lines = output.trim().split('\n');
  const flows = lines.filter((line) => line.startsWith('flow')).map(parseFields);
  const drops = parseFields(lines.find((line) => line.startsWith('drops')) ?? 'drops 0').drops;
  const rates = flows.map((flow) => experiment.fileBytes / (flow.end - flow.start));
  const first = Math.min(...flows.map((flow) => flow.start));
  const last = Math.max(...flows.map((flow) => flow.end));
  return {
    throughputBps: (experiment.fileBytes * flows.length) / (last - first),
    flowMinBps: Math.min(...rates),
    flowMaxBps: Math.max(...rates),
    jain: jainFairness(rates),
    drops,
  };
}
