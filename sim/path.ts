import type { SimCore } from './core.ts';
import { cloneWithPayload, type Packet, type PacketSink, UDP } from './packet.ts';
import type { ResolvedPathConfig } from './profiles.ts';
import type { SeededRandom } from './random.ts';
import type { DropReason } from './trace.ts';

/** Per-direction packet counts: plain read-only numbers. */
export class PathStats {
  sent = 0;
  /** Arrived at the far host (which may still drop it: no socket, host down). */
  delivered = 0;
  dropped = 0;
  /** Of `dropped`: datagrams lost to i.i.d. or burst loss. */
  lost = 0;
  /** Of `dropped`: datagrams dropped by a partition. */
  partitionDropped = 0;
  /** Of `dropped`: datagrams refused by a full drop-tail queue. */
  queueDropped = 0;
  /** Stream segments a partition held back until heal. */
  stalled = 0;
  duplicated = 0;
  corrupted = 0;
  reordered = 0;
  bytesSent = 0;
}

/**
 * One direction of a link between two hosts. A transmitter serializes packets at the path's
 * bandwidth behind a drop-tail queue (its backlog is computed from when the transmitter frees
 * up, so a packet costs one event: its arrival). Then propagation delay plus jitter; arrivals stay
 * in FIFO order except for packets picked for reordering, which get extra delay.
 *
 * Datagrams suffer loss, burst loss, duplication, corruption and reordering; stream segments are
 * reliable (TCP's recovery is not modelled) and only see bandwidth, queueing and delay. A
 * partition drops datagrams and stalls stream segments until heal; hold keeps everything until
 * release. Random draws come from the path's own stream, in a fixed order per packet.
 */
export class Path {
  readonly stats = new PathStats();
  private cfg: ResolvedPathConfig;
  private msPerByte = 0;
  private bytesPerMs = 0;
  private busyUntil = 0;
  private lastArrival = 0;
  private burstBad = false;
  private partitioned = false;
  private held = false;
  private waiting: Packet[] = [];
  private readonly deliver: (packet: Packet) => void;

  constructor(
    private readonly core: SimCore,
    readonly from: PacketSink,
    readonly to: PacketSink,
    config: ResolvedPathConfig,
    private readonly random: SeededRandom,
  ) {
    this.cfg = config;
    this.configure(config);
    this.deliver = (packet) => {
      this.stats.delivered++;
      to.receive(packet);
    };
  }

  get config(): Readonly<ResolvedPathConfig> {
    return this.cfg;
  }

  get isPartitioned(): boolean {
    return this.partitioned;
  }

  get isHeld(): boolean {
    return this.held;
  }

  configure(config: ResolvedPathConfig): void {
    this.cfg = config;
    const finite = Number.isFinite(config.bandwidthBps);
    this.msPerByte = finite ? 8000 / config.bandwidthBps : 0;
    this.bytesPerMs = finite ? config.bandwidthBps / 8000 : 0;
  }

  send(packet: Packet): void {
    this.stats.bytesSent += packet.wireSize;
    this.note('sent', packet);
    if (this.partitioned) {
      if (packet.proto === UDP) this.drop(packet, 'partition');
      else {
        this.stats.stalled++;
        this.waiting.push(packet);
      }
      return;
    }
    if (this.held) {
      this.waiting.push(packet);
      return;
    }
    this.transmit(packet, false);
  }

  setPartitioned(on: boolean): void {
    this.partitioned = on;
    if (!on) this.flushWaiting();
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.flushWaiting();
  }

  private flushWaiting(): void {
    if (this.held || this.partitioned) return;
    const waiting = this.waiting;
    this.waiting = [];
    // They already waited in a queue: the drop-tail limit does not apply again.
    for (const packet of waiting) this.transmit(packet, true);
  }

  private transmit(packet: Packet, alreadyQueued: boolean): void {
    const core = this.core;
    const cfg = this.cfg;
    const now = core.now;
    const isDatagram = packet.proto === UDP;
    const start = Math.max(this.busyUntil, now);
    if (start > now) {
      const backlog = (start - now) * this.bytesPerMs;
      // The backlog is derived from times: allow for rounding in the last bits.
      if (isDatagram && !alreadyQueued && backlog + packet.wireSize > cfg.queueBytes + 1e-6) {
        this.drop(packet, 'queue');
        return;
      }
      core.trace.record(now, 'queued', packet);
    }
    const departure = start + packet.wireSize * this.msPerByte;
    this.busyUntil = departure;
    const random = this.random;
    if (isDatagram) {
      const burst = cfg.burstLoss;
      if (burst !== null) {
        if (this.burstBad) {
          if (random.next() < burst.pBadToGood) this.burstBad = false;
        } else if (random.next() < burst.pGoodToBad) {
          this.burstBad = true;
        }
        const p = this.burstBad ? (burst.lossBad ?? 1) : (burst.lossGood ?? 0);
        if (p > 0 && random.next() < p) {
          this.drop(packet, 'burst-loss');
          return;
        }
      }
      if (cfg.loss > 0 && random.next() < cfg.loss) {
        this.drop(packet, 'loss');
        return;
      }
    }
    let arrival = departure + this.propagation();
    if (isDatagram && cfg.reorder > 0 && random.next() < cfg.reorder) {
      arrival += cfg.reorderDelayMs;
      this.note('reordered', packet);
    } else {
      if (arrival < this.lastArrival) arrival = this.lastArrival;
      this.lastArrival = arrival;
    }
    let delivered = packet;
    if (isDatagram && cfg.corrupt > 0 && random.next() < cfg.corrupt && packet.payload.length > 0) {
      const payload = Buffer.from(packet.payload);
      payload[random.int(0, payload.length - 1)] ^= random.int(1, 255);
      delivered = cloneWithPayload(packet, payload);
      this.note('corrupted', packet);
    }
    core.schedule(arrival, this.deliver, delivered);
    if (isDatagram && cfg.duplicate > 0 && random.next() < cfg.duplicate) {
      this.note('duplicated', packet);
      core.schedule(
        arrival,
        this.deliver,
        cloneWithPayload(delivered, Buffer.from(delivered.payload)),
      );
    }
  }

  private propagation(): number {
    const cfg = this.cfg;
    const jitter = cfg.jitter;
    if (jitter === null) return cfg.delayMs;
    const random = this.random;
    switch (jitter.kind) {
      case 'uniform':
        return cfg.delayMs + random.next() * jitter.maxMs;
      case 'normal': {
        const delay = cfg.delayMs + random.normal() * jitter.sdMs;
        return Math.max(delay, 0);
      }
      case 'pareto':
        return cfg.delayMs + jitter.scaleMs * ((1 - random.next()) ** (-1 / jitter.shape) - 1);
    }
  }

  private drop(packet: Packet, reason: DropReason): void {
    const stats = this.stats;
    stats.dropped++;
    if (reason === 'loss' || reason === 'burst-loss') stats.lost++;
    else if (reason === 'partition') stats.partitionDropped++;
    else if (reason === 'queue') stats.queueDropped++;
    this.core.trace.record(this.core.now, 'dropped', packet, reason);
  }

  /** This path's count and the simulation's trace move together. */
  private note(event: 'sent' | 'reordered' | 'corrupted' | 'duplicated', packet: Packet): void {
    this.stats[event]++;
    this.core.trace.record(this.core.now, event, packet);
  }
}
