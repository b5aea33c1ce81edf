/**
 * The analytic Go-Back-N model every simulated point is compared with (DESIGN, "Reference
 * points"). Pure: numbers in, numbers out.
 *
 * Per data packet of L wire bytes carrying P file bytes, on a path of rate C and round-trip
 * time RTT (propagation both ways plus the ACK's own serialisation):
 *
 *   lossless:  throughput = P / τ,  τ = max(L/C, (RTT + k·L/C) / N)
 *              (the same as min(C, N·L / (RTT + k·L/C)) counted in file bytes)
 *   i.i.d. loss p, recovery by timeout (renewal argument):
 *              throughput = P / (τ + p/(1−p) · T_loss),  T_loss = RTO + RTT
 *
 * k is the receiver's ACK batch (an ACK every k in-order packets): the window slides in steps of
 * k, so the last packet of a batch waits for k serialisations before its ACK leaves. k = 1 gives
 * DESIGN's min(C, N·L / (RTT + L/C)).
 *
 * Each loss costs the sender one retransmission timeout plus the round trip that refills the
 * pipe; between losses it runs at the lossless pace. The textbook form that detects a loss at
 * once (T_loss = RTT + L/C) overestimates a timeout-only sender several times at p ≥ 1 %.
 */

export interface PathModel {
  /** Link rate in bits per second, both directions; Infinity for an unconstrained path. */
  bandwidthBps: number;
  /** One-way propagation delay in milliseconds, per direction. */
  delayMs: number;
  /** Probability that a data packet is lost, i.i.d. */
  loss: number;
}

export interface SenderModel {
  /** Go-Back-N window N, in packets. */
  window: number;
  /** Bytes one data packet occupies on the link (datagram plus any per-packet overhead). */
  dataWireBytes: number;
  /** File bytes one data packet carries. */
  payloadBytes: number;
  /** Bytes one ACK occupies on the link. */
  ackWireBytes: number;
  /** The retransmission timeout the sender uses after a loss, in milliseconds. */
  rtoMs: number;
  /** The receiver acknowledges every k in-order packets (default 1). */
  ackEvery?: number;
}

/** Seconds to put `bytes` on a link of `bandwidthBps` (0 on an unconstrained link). */
export function serializationSeconds(bytes: number, bandwidthBps: number): number {
  return Number.isFinite(bandwidthBps) ? (bytes * 8) / bandwidthBps : 0;
}

/** RTT as the model counts it: both propagation delays plus the ACK's serialisation. */
export function roundTripSeconds(path: PathModel, sender: SenderModel): number {
  return (2 * path.delayMs) / 1e3 + serializationSeconds(sender.ackWireBytes, path.bandwidthBps);
}

/** τ: seconds per data packet without loss, whichever binds: the link or the window. */
export function packetIntervalSeconds(path: PathModel, sender: SenderModel): number {
  const transmit = serializationSeconds(sender.dataWireBytes, path.bandwidthBps);
  const rtt = roundTripSeconds(path, sender);
  const batch = sender.ackEvery ?? 1;
  return Math.max(transmit, (rtt + batch * transmit) / sender.window);
}

/** Lossless goodput in file bytes per second: min(C, N·L / (RTT + k·L/C)) in payload terms. */
export function losslessThroughput(path: PathModel, sender: SenderModel): number {
  return sender.payloadBytes / packetIntervalSeconds(path, sender);
}

/** Goodput in file bytes per second with i.i.d. loss and timeout-driven recovery. */
export function gbnThroughput(path: PathModel, sender: SenderModel): number {
  const p = path.loss;
  if (p >= 1) return 0;
  const tau = packetIntervalSeconds(path, sender);
  const lossCost = sender.rtoMs / 1e3 + roundTripSeconds(path, sender);
  return sender.payloadBytes / (tau + (p / (1 - p)) * lossCost);
}

/** The textbook form with immediate loss detection, T_loss = RTT + L/C, for comparison. */
export function textbookThroughput(path: PathModel, sender: SenderModel): number {
  const p = path.loss;
  if (p >= 1) return 0;
  const tau = packetIntervalSeconds(path, sender);
  const lossCost =
    roundTripSeconds(path, sender) + serializationSeconds(sender.dataWireBytes, path.bandwidthBps);
  return sender.payloadBytes / (tau + (p / (1 - p)) * lossCost);
}

/**
 * The renewal formula with each loss charged what it really adds: RTO + RTT + L/C − τ. The lost
 * packet's own slot τ is already counted in the τ term, and its timer starts when the previous
 * ACK arrives, RTT + L/C − τ after the packet left. Exact at N = 1 (each loss adds the RTO
 * alone); the same as gbnThroughput when the link binds (τ = L/C).
 */
export function refinedGbnThroughput(path: PathModel, sender: SenderModel): number {
  const p = path.loss;
  if (p >= 1) return 0;
  const tau = packetIntervalSeconds(path, sender);
  const transmit = serializationSeconds(sender.dataWireBytes, path.bandwidthBps);
  const lossCost = sender.rtoMs / 1e3 + roundTripSeconds(path, sender) + transmit - tau;
  return sender.payloadBytes / (tau + (p / (1 - p)) * lossCost);
}
