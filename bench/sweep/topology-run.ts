/**
 * One point of a topology sweep on the simulator: K bare sender → receiver pairs (the real
 * TransferSender and TransferReceiver, as the gbn engine runs them) across sim/topologies.ts's
 * dumbbell, all started at once, plus the cross traffic. Each sender offers a synthetic file
 * (sim/synthetic.ts) and each receiver keeps a digest-only copy, so memory does not grow with
 * K × size; a flow counts as ok only if its copy's SHA-256 matches the generator's.
 */
import { TransferReceiver, TransferSender } from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { Simulator } from '../../sim/index.ts';
import { syntheticSha256 } from '../../sim/synthetic.ts';
import { dumbbell } from '../../sim/topologies.ts';
import { transferOptions } from '../engines/options.ts';
import { transferIdFor } from '../engines/sim-gbn.ts';
import { round } from './csv.ts';
import { pointPaths } from './paths.ts';
import { NO_BASELINES, recoveryColumns, rtoLabel } from './point.ts';
import type { PointSpec } from './spec.ts';
import {
  type CrossTraffic,
  crossLabel,
  jainFairness,
  type PointTopology,
  queueLabel,
  type TopologyRow,
} from './topology.ts';

/** Hosts reach their router over a link far faster than the bottleneck, with no delay. */
const ACCESS = { bandwidthBps: 10e9, delayMs: 0 };
const CROSS_DATAGRAM = 1000;
const CROSS_PORT = 9;

interface FlowResult {
  status: string;
  bytes: number;
  startMs: number;
  endMs: number;
  packetsSent: number;
  retransmits: number;
  timeouts: number;
}

export async function runTopologyPoint(point: PointSpec): Promise<TopologyRow> {
  const topology = point.topology as PointTopology;
  const sim = new Simulator({ seed: point.seed, maxTimeMs: 24 * 3_600_000 });
  const paths = pointPaths(point);
  const queue = { kind: 'droptail' as const, ...topology.queue };
  const shape = dumbbell(sim, {
    pairs: topology.flows + (topology.cross ? 1 : 0),
    bottleneck: { ...paths.data, queue },
    access: ACCESS,
  });
  // The reverse direction (ACKs) keeps the profile's own loss, as in every sweep.
  sim.link(shape.left, shape.right, { ...paths.data, queue }, { ...paths.ack, queue });
  const flows: Promise<FlowResult>[] = [];
  for (let i = 0; i < topology.flows; i++) {
    const arq = topology.mix === null ? point.arq : topology.mix[i % topology.mix.length];
    flows.push(runFlow(sim, shape.senders[i], shape.receivers[i], point, arq, i));
  }
  const stopCross = topology.cross
    ? startCross(
        sim,
        shape.senders[topology.flows],
        shape.receivers[topology.flows],
        topology.cross,
      )
    : () => {};
  const results = await sim.until(Promise.all(flows).finally(() => stopCross()));
  const bottleneck = sim.linkBetween(shape.left, shape.right);
  return topologyRow(point, topology, results, bottleneck.stats.queueDropped);
}

async function runFlow(
  sim: Simulator,
  senderHost: ReturnType<Simulator['addHost']>,
  receiverHost: ReturnType<Simulator['addHost']>,
  point: PointSpec,
  arq: PointSpec['arq'],
  flow: number,
): Promise<FlowResult> {
  const name = `flow-${flow + 1}.bin`;
  senderHost.files.synthetic(`/share/${name}`, { size: point.fileBytes, seed: point.seed });
  receiverHost.files.streamedWrites = 'digest-only';
  receiverHost.files.mkdir('/downloads');
  const options = { ...transferOptions(point), arq };
  const transferId = transferIdFor(point.seed * 64 + flow);
  const senderSocket = senderHost.platform.dgram.createSocket();
  const receiverSocket = receiverHost.platform.dgram.createSocket();
  const receiverAddress = await receiverSocket.bind(0);
  await senderSocket.bind(0);
  const file = await senderHost.platform.fs.openRead(`/share/${name}`);
  const receiver = new TransferReceiver({
    platform: receiverHost.platform,
    socket: receiverSocket,
    peerAddress: senderHost.address,
    transferId,
    dir: '/downloads',
    name,
    options,
  });
  const sender = new TransferSender({
    platform: senderHost.platform,
    socket: senderSocket,
    peer: { address: receiverHost.address, port: receiverAddress.port },
    transferId,
    file,
    options,
  });
  let status = 'ok';
  // The flow ends when its receiver has the whole file (FIN), not when the sender hears of it.
  let endMs = Number.NaN;
  const landed = receiver.done.then((received) => {
    endMs = sim.now;
    return received;
  });
  try {
    const [, received] = await Promise.all([sender.done, landed]);
    const copy = receiverHost.files.digest(received.path);
    const expected = syntheticSha256({ size: point.fileBytes, seed: point.seed, name });
    if (copy.sha256 !== expected) status = 'HASH_MISMATCH';
  } catch (error) {
    if (!isWhohasError(error)) throw error;
    status = error.code;
  }
  const stats = receiver.stats;
  if (Number.isNaN(endMs)) endMs = sim.now;
  return {
    status,
    bytes: stats.bytes,
    startMs: endMs - stats.seconds * 1000,
    endMs,
    packetsSent: sender.stats.packetsSent,
    retransmits: sender.stats.retransmits,
    timeouts: sender.stats.timeouts,
  };
}

/** Datagrams of CROSS_DATAGRAM bytes at the rate (while on); returns the stop switch. */
function startCross(
  sim: Simulator,
  from: ReturnType<Simulator['addHost']>,
  to: ReturnType<Simulator['addHost']>,
  cross: CrossTraffic,
): () => void {
  const socket = from.platform.dgram.createSocket();
  const sink = to.platform.dgram.createSocket();
  void sink.bind(CROSS_PORT);
  void socket.bind(0);
  const clock = from.platform.clock;
  const gapMs = (CROSS_DATAGRAM * 8 * 1000) / cross.rateBps;
  const payload = Buffer.alloc(CROSS_DATAGRAM);
  const start = sim.now;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const cycle = cross.onMs + cross.offMs;
    const phase = cycle > 0 ? (sim.now - start) % cycle : 0;
    if (cycle > 0 && phase >= cross.onMs) {
      clock.setTimeout(tick, cycle - phase);
      return;
    }
    socket.send(payload, CROSS_PORT, to.address);
    clock.setTimeout(tick, gapMs);
  };
  clock.setTimeout(tick, 0);
  return () => {
    stopped = true;
    socket.close();
    sink.close();
  };
}

function topologyRow(
  point: PointSpec,
  topology: PointTopology,
  flows: FlowResult[],
  bottleneckDrops: number,
): TopologyRow {
  const ok = flows.every((flow) => flow.status === 'ok');
  const rates = flows.map((flow) =>
    flow.endMs > flow.startMs ? (flow.bytes * 1000) / (flow.endMs - flow.startMs) : 0,
  );
  const first = Math.min(...flows.map((flow) => flow.startMs));
  const last = Math.max(...flows.map((flow) => flow.endMs));
  const bytes = flows.reduce((sum, flow) => sum + flow.bytes, 0);
  const seconds = (last - first) / 1000;
  const sum = (key: 'packetsSent' | 'retransmits' | 'timeouts') =>
    flows.reduce((total, flow) => total + flow[key], 0);
  const { data } = pointPaths(point);
  return {
    index: point.index,
    transport: point.transport,
    engine: 'gbn',
    arq: topology.mix === null ? point.arq : topology.mix.join('+'),
    profile: point.profile,
    window: point.window,
    packet_size: point.packetSize,
    file_bytes: point.fileBytes,
    loss: round(data.loss),
    burst: point.burst,
    delay_ms: round(data.delayMs),
    jitter_ms: point.jitterMs ?? '',
    bandwidth_bps: round(data.bandwidthBps),
    rto: rtoLabel(point.rto),
    ...recoveryColumns(point),
    seed: point.seed,
    repeat: point.repeat,
    status: ok ? 'ok' : (flows.find((flow) => flow.status !== 'ok') as FlowResult).status,
    seconds: round(seconds),
    throughput_Bps: ok && seconds > 0 ? round(bytes / seconds) : 0,
    packets_sent: sum('packetsSent'),
    retransmits: sum('retransmits'),
    timeouts: sum('timeouts'),
    srtt_ms: '',
    model_Bps: '',
    over_model: '',
    ...NO_BASELINES,
    topology: topology.kind,
    flows: topology.flows,
    queue: queueLabel(topology.queue),
    cross: crossLabel(topology.cross),
    mix: topology.mix === null ? '' : 'on',
    flow_min_Bps: round(Math.min(...rates)),
    flow_max_Bps: round(Math.max(...rates)),
    jain_fairness: round(jainFairness(rates), 6),
    bottleneck_drops: bottleneckDrops,
  };
}
