/**
 * The Go-Back-N experiment of fidelity/ns3/gbn.cc on our simulator: the real TransferSender and
 * TransferReceiver (bench/engines/sim-gbn.ts) as the model describes them (fixed window N, no
 * congestion control, timeout-only recovery with a fixed RTO, an ACK for every packet), across an
 * ideal path of `bandwidthBps` and `delayMs` with i.i.d. loss on the data direction.
 */
import { SimGbnEngine } from '../engines/sim-gbn.ts';
import { IDEAL_PROFILE } from '../sweep/paths.ts';
import type { PointSpec } from '../sweep/spec.ts';

export interface GbnExperiment {
  bandwidthBps: number;
  delayMs: number;
  loss: number;
  window: number;
  packetSize: number;
  fileBytes: number;
  rtoMs: number;
}

export interface GbnRun {
  seconds: number;
  timeouts: number;
  status: string;
}

/** Datagram sizes of the exchange, header included (docs/PROTOCOL.md): what ns-3 sends too. */
export const GBN_SIZES = {
  /** 16-byte header + 52 (size, SHA-256, N, scheme, flags, token). */
  startBytes: 68,
  /** The SHA-256 travels in START here (the engine knows it), so FIN is a bare header. */
  finBytes: 16,
  /** 16-byte header + token (8) + advertised window (2). */
  ackBytes: 26,
};

export function gbnPoint(experiment: GbnExperiment, seed: number): PointSpec {
  return {
    index: 0,
    transport: 'sim',
    engine: 'gbn',
    profile: IDEAL_PROFILE,
    arq: 'gbn',
    window: experiment.window,
    packetSize: experiment.packetSize,
    fileBytes: experiment.fileBytes,
    loss: experiment.loss,
    burst: 1,
    delayMs: experiment.delayMs,
    jitterMs: 0,
    bandwidthBps: experiment.bandwidthBps,
    seed,
    repeat: 1,
    rto: { mode: 'fixed', ms: experiment.rtoMs },
    ackEvery: 1,
    timeLimitS: 600,
    congestion: 'none',
    fastRetransmit: false,
  };
}

export async function simGbn(experiment: GbnExperiment, seed: number): Promise<GbnRun> {
  const engine = new SimGbnEngine();
  const outcome = await engine.run(gbnPoint(experiment, seed));
  return { seconds: outcome.seconds, timeouts: outcome.timeouts, status: outcome.status };
}
