/**
 * Runs one point with the engine its transport and engine name call for, and turns the outcome
 * into a CSV row with the model's prediction beside it (simulated points) or the loopback
 * baselines beside it (UDP points, filled in by the sweep).
 */

import { HEADER_BYTES } from '../../impl/arq/codec.ts';
import { defaultTransferOptions, resolveTransferOptions } from '../../impl/arq/options.ts';
import { UDP_OVERHEAD } from '../../sim/packet.ts';
import { createEngine } from '../engines/index.ts';
import { transferOptions } from '../engines/options.ts';
import type { TransferEngine, TransferOutcome } from '../engines/types.ts';
import { modelThroughput, type PathModel, type SenderModel } from '../model.ts';
import { type Row, round } from './csv.ts';
import { meanBurst, meanLoss, pointPaths } from './paths.ts';
import type { PointSpec, RtoChoice } from './spec.ts';
import { runTopologyPoint } from './topology-run.ts';

export class PointRunner {
  readonly #engines = new Map<string, TransferEngine>();

  async run(point: PointSpec): Promise<Row> {
    if (point.topology) return runTopologyPoint(point);
    const key = `${point.transport}-${point.engine}`;
    let engine = this.#engines.get(key);
    if (!engine) {
      engine = createEngine(point.transport, point.engine);
      this.#engines.set(key, engine);
    }
    const outcome = await engine.run(point);
    return point.transport === 'sim' ? simRow(point, outcome) : udpRow(point, outcome);
  }

  async close(): Promise<void> {
    for (const engine of this.#engines.values()) await engine.close();
    this.#engines.clear();
  }
}

/** The window control and loss detection the sender really ran with (defaults resolved). */
export function recoveryColumns(point: PointSpec): { congestion: string; fast_retransmit: string } {
  const options = resolveTransferOptions(transferOptions(point));
  return { congestion: options.congestion, fast_retransmit: options.fastRetransmit ? 'on' : 'off' };
}

export function rtoLabel(rto: RtoChoice): string {
  return rto.mode === 'fixed' ? `fixed:${rto.ms}` : 'adaptive';
}

/** The model's inputs for a simulated point: the path as configured, the sender as run. */
export function modelInputs(
  point: PointSpec,
  rtoMs: number,
): { path: PathModel; sender: SenderModel } {
  const { data } = pointPaths(point);
  return {
    path: { bandwidthBps: data.bandwidthBps, delayMs: data.delayMs, loss: meanLoss(data) },
    sender: {
      window: point.window,
      dataWireBytes: point.packetSize + UDP_OVERHEAD,
      payloadBytes: point.packetSize - HEADER_BYTES,
      ackWireBytes: HEADER_BYTES + UDP_OVERHEAD,
      rtoMs,
      ackEvery: ackBatch(point),
    },
  };
}

/** The receiver's ACK batch: the configured count, capped at half the window (as TransferReceiver does). */
export function ackBatch(point: PointSpec): number {
  const packets = point.ackEvery ?? defaultTransferOptions.ack.packets;
  return Math.min(packets, Math.max(1, point.window >> 1));
}

/** A fixed RTO is known in advance; an adaptive one is taken as the sender reported it. */
export function modelRto(point: PointSpec, outcome: TransferOutcome): number {
  return point.rto.mode === 'fixed' ? point.rto.ms : outcome.rtoMs;
}

function commonColumns(point: PointSpec, outcome: TransferOutcome) {
  const throughput =
    outcome.status === 'ok' && outcome.seconds > 0 ? outcome.bytes / outcome.seconds : 0;
  return {
    index: point.index,
    transport: point.transport,
    engine: point.engine,
    arq: point.arq,
    window: point.window,
    packet_size: point.packetSize,
    file_bytes: point.fileBytes,
    rto: rtoLabel(point.rto),
    ...recoveryColumns(point),
    seed: point.seed,
    repeat: point.repeat,
    status: outcome.status,
    seconds: round(outcome.seconds),
    throughput_Bps: round(throughput),
    packets_sent: outcome.packetsSent,
    retransmits: outcome.retransmits,
    timeouts: outcome.timeouts,
    srtt_ms: round(outcome.srttMs, 6),
  };
}

export function simRow(point: PointSpec, outcome: TransferOutcome): Row {
  const { data } = pointPaths(point);
  const { path, sender } = modelInputs(point, modelRto(point, outcome));
  const model = modelThroughput(point.arq, path, sender);
  const common = commonColumns(point, outcome);
  return {
    ...common,
    profile: point.profile,
    loss: round(meanLoss(data)),
    burst: round(meanBurst(data)),
    delay_ms: round(data.delayMs),
    jitter_ms:
      data.jitter?.kind === 'normal'
        ? round(data.jitter.sdMs)
        : data.jitter === null
          ? 0
          : data.jitter.kind,
    bandwidth_bps: round(data.bandwidthBps),
    model_Bps: round(model),
    over_model: model > 0 ? round(Number(common.throughput_Bps) / model, 6) : '',
    ...NO_BASELINES,
  };
}

/** The same-run baseline columns before addBaselines (run.ts) fills them, on udp rows only. */
export const NO_BASELINES = {
  udp_blast_Bps: '',
  tcp_Bps: '',
  over_udp_blast: '',
  over_tcp: '',
  udp_blast_callbacks_Bps: '',
  atftp_Bps: '',
  over_atftp: '',
} as const;

export function udpRow(point: PointSpec, outcome: TransferOutcome): Row {
  return {
    ...commonColumns(point, outcome),
    profile: 'loopback',
    loss: 0,
    burst: 1,
    delay_ms: 0,
    jitter_ms: 0,
    bandwidth_bps: '',
    model_Bps: '',
    over_model: '',
    ...NO_BASELINES,
  };
}

/** The loopback ceilings and the real peer, measured in the same run (NaN: not measured). */
export interface SameRunBaselines {
  udpBlastBps: number;
  udpBlastCallbacksBps: number;
  tcpBps: number;
  /** atftp at the row's window and payload per datagram; NaN where atftp is not available. */
  atftpBps: number;
}

/** Adds the loopback baselines measured in the same run, and the ratios to them. */
export function withBaselines(row: Row, baselines: SameRunBaselines): Row {
  const throughput = Number(row.throughput_Bps);
  const ratio = (to: number) => (to > 0 ? round(throughput / to, 6) : '');
  return {
    ...row,
    udp_blast_Bps: round(baselines.udpBlastBps),
    tcp_Bps: round(baselines.tcpBps),
    over_udp_blast: ratio(baselines.udpBlastBps),
    over_tcp: ratio(baselines.tcpBps),
    udp_blast_callbacks_Bps: round(baselines.udpBlastCallbacksBps),
    atftp_Bps: round(baselines.atftpBps),
    over_atftp: ratio(baselines.atftpBps),
  };
}
