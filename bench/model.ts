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
  /** Probability that an ACK is lost, i.i.d. (default 0; only the Selective Repeat form uses it). */
  ackLoss?: number;
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

/**
 * Selective Repeat with a fixed window N (a span: at most N packets past the cumulative point),
 * a fixed RTO R, an ACK per packet carrying the cumulative point and a SACK bitmap, recovery by
 * per-packet timeout only (each lost packet resent R after it was queued). Lossless it equals
 * Go-Back-N's form. With i.i.d. loss p on data only the lost packets are resent, so while the
 * window never stalls the goodput is (1 − p)·min(C, N·L / (RTT + L/C)): the textbook figure.
 *
 * What the textbook figure misses is the stall. Let τ0 = max(L/C, T_w/N) be the lossless pace,
 * T_w = RTT + k·L/C a packet's send-to-ACK time. Packet i + N may leave only once packets up to i
 * are acknowledged, so a hole h recovered after K timeouts holds the window until K·R + T_w after
 * it was queued, while without it the window would have moved on N·τ0 after: every later packet
 * is delayed by D = K·R + T_w − N·τ0 − Q − G when that is positive (a window draining slower than
 * the recovery hides the loss: only the (1 − p) share remains). Q is the time the hole waited in
 * the link's queue (its timer started when it was queued): b·L/C when it was b packets into the
 * burst the previous stall released, else the standing queue N·L/C − T_w of a window larger than
 * the path. G: a window-bound flow moves in rounds, and the stall re-aligns them on the hole, so
 * the b packets of its round before it gain the round's idle time: G = (b/N)·min(K·R, T_w − N·L/C).
 * Holes within one window are recovered concurrently (a timer each): a stall costs the largest
 * K·R of its window, not the sum. A renewal cycle is the run of (1 − f)/f packets to the next
 * hole, then the N packets of the stalled window, shifted by about (N − 1)/2 packets when a later
 * hole of that window needs more timeouts than the first. With M the largest K in the window,
 * b = g mod N for g the (geometric) run before the hole,
 *
 *   P(M ≥ k) = 1 − (1 − f^(k−1))·(1 − p^k)^(N−1),   later = P(M > K_first)
 *   n = N + (1 − f)/f + later·(N − 1)/2,   D = E[M]·R + T_w − N·τ0 − E[Q] − E[G]
 *   goodput = P / (τ + D⁺ / n),   τ = max(L/C / (1 − p), T_w/N),   f = p + (1 − p)·q^N
 *
 * f is the chance a packet's delivery is not known in time: its data lost, or all N ACKs that
 * could report it lost. At N = 1 the form is exact stop-and-wait: T_w + f·R/(1 − f) per packet.
 *
 * Validated against the Selective Repeat cores on a virtual link (bench/validate-sr.ts): 31 of 32
 * points within 5 %. Assumptions and where it misses: losses independent; every timer the same
 * fixed R (no back-off); a FIFO link queue the sender fills a window at a time; the stall charged
 * once per window with E[M] and E[Q], E[G] taken apart (their correlation ignored); retransmissions
 * share the link at the pace of new packets. A window larger than the path at low loss (N = 128,
 * 100 Mbit/s, 1 %) runs 6 % below the model: a second hole more than a path's worth of packets
 * after the first has its retransmission queued behind the burst the first one's recovery
 * released, one more T_w the form leaves out (added naively it over-corrects at higher loss, where
 * holes chain). No fast retransmit: with it a hole is resent once 3 later packets are SACKed,
 * about T_w after it left instead of R; R → T_w + 3τ is then an estimate, not validated.
 */
export function srThroughput(path: PathModel, sender: SenderModel): number {
  const p = path.loss;
  const window = sender.window;
  const f = p + (1 - p) * (path.ackLoss ?? 0) ** window;
  if (p >= 1 || f >= 1) return 0;
  const transmit = serializationSeconds(sender.dataWireBytes, path.bandwidthBps);
  const cycle = roundTripSeconds(path, sender) + (sender.ackEvery ?? 1) * transmit;
  const lossless = Math.max(transmit, cycle / window);
  const tau = Math.max(transmit / (1 - p), cycle / window);
  if (f === 0) return sender.payloadBytes / tau;
  const { expected, later } = largestTimeouts(f, p, window);
  const recovery = (expected * sender.rtoMs) / 1e3;
  const hole = holePosition(f, window);
  const queued = hole.inBurst * transmit + hole.beyond * Math.max(0, window * transmit - cycle);
  // A window-bound flow moves in rounds; the stall re-aligns them on the hole, so the packets of
  // its round before it gain the round's idle time (up to the recovery itself).
  const idle = Math.max(0, cycle - window * transmit);
  const realigned = (hole.meanPosition / window) * Math.min(recovery, idle);
  const stall = Math.max(0, recovery + cycle - window * lossless - queued - realigned);
  const packets = window + (1 - f) / f + (later * (window - 1)) / 2;
  return sender.payloadBytes / (tau + stall / packets);
}

/**
 * Where the hole that starts a stall sits: g packets after the window the previous stall released
 * (g geometric with parameter f). E[g; g < N] (it was in that burst, queued g·L/C),
 * P(g ≥ N), and E[g mod N] (its position in its round).
 */
function holePosition(
  f: number,
  window: number,
): { inBurst: number; beyond: number; meanPosition: number } {
  const beyond = (1 - f) ** window;
  const inBurst = ((1 - f) / f) * (1 - beyond) - window * beyond;
  return { inBurst, beyond, meanPosition: beyond < 1 ? inBurst / (1 - beyond) : 0 };
}

/**
 * The timeouts M a stalled window costs: the most any of its holes needs, the first lost with
 * probability f (it is a hole), each of the N − 1 others lost with p; E[M] and P(M > K_first).
 */
function largestTimeouts(
  f: number,
  p: number,
  window: number,
): { expected: number; later: number } {
  let expected = 0;
  let later = 0;
  for (let k = 1; k < 200 && f ** (k - 1) > 1e-15; k++) {
    expected += 1 - (1 - f ** (k - 1)) * (1 - p ** k) ** (window - 1);
    later += f ** (k - 1) * (1 - f) * (1 - (1 - p ** (k + 1)) ** (window - 1));
  }
  return { expected, later };
}

export type ModelScheme = 'gbn' | 'sr';

/** The model matching a row's ARQ scheme (the sweep's `model_Bps`). */
export function modelThroughput(scheme: ModelScheme, path: PathModel, sender: SenderModel): number {
  return scheme === 'sr' ? srThroughput(path, sender) : gbnThroughput(path, sender);
}
