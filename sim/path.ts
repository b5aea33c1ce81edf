import type { SimCore } from './core.ts';
import { LossModel } from './loss.ts';
import { cloneWithPayload, type Packet, type PacketSink, UDP, UDP_OVERHEAD } from './packet.ts';
import { LOST, PathStats } from './path-stats.ts';
import type { ResolvedPathConfig } from './profiles.ts';
import { LinkQueue, resolveQueue } from './queue.ts';
import { CoDelQueue } from './queue-codel.ts';
import { forkRandom, type SeededRandom } from './random.ts';
import type { DropReason } from './trace.ts';

export { PathStats } from './path-stats.ts';

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
  private partitioned = false;
  private held = false;
  private waiting: Packet[] = [];
  private extraFraming = 0;
  private readonly queue: LinkQueue;
  private readonly losses: LossModel;
  /** A CoDel link dequeues in events of its own (queue-codel.ts); null otherwise. */
  private codel: CoDelQueue | null = null;
  private serving = false;
  private readonly serveFn = () => this.serve();
  private readonly deliver: (packet: Packet) => void;

  constructor(
    private readonly core: SimCore,
    readonly from: PacketSink,
    readonly to: PacketSink,
    config: ResolvedPathConfig,
    private readonly random: SeededRandom,
    /** Names the queue's own random stream (RED). */
    label = `${from.index}->${to.index}`,
  ) {
    this.cfg = config;
    this.losses = new LossModel(config, random);
    this.queue = new LinkQueue(
      resolveQueue(config.queue ?? { kind: 'droptail' }, config.queueBytes),
      forkRandom(core.seed, `queue/${label}`),
    );
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
    this.extraFraming = config.framingBytes - UDP_OVERHEAD;
    this.losses.configure(config);
    const queue = resolveQueue(config.queue ?? { kind: 'droptail' }, config.queueBytes);
    this.queue.configure(queue);
    if (queue.kind !== 'codel') this.codel = null;
    else if (this.codel === null) {
      this.codel = new CoDelQueue(queue.targetMs, queue.intervalMs, queue.bytes, queue.packets);
    } else this.codel.configure(queue.targetMs, queue.intervalMs, queue.bytes, queue.packets);
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
    const now = core.now;
    const isDatagram = packet.proto === UDP;
    const size = packet.wireSize + this.extraFraming;
    if (this.codel !== null) {
      this.enqueueCoDel(this.codel, packet, size, alreadyQueued);
      return;
    }
    const start = Math.max(this.busyUntil, now);
    const queue = this.queue;
    const stats = this.stats;
    if (start > now || queue.early) {
      queue.advance(now);
      if (isDatagram && !alreadyQueued) {
        const refused = queue.admit(size, now, this.busyUntil, this.bytesPerMs);
        if (refused !== null) {
          this.drop(packet, refused);
          return;
        }
      }
      if (start > now) {
        queue.push(start, size);
        if (queue.bytes > stats.peakQueueBytes) stats.peakQueueBytes = queue.bytes;
        if (queue.packets > stats.peakQueuePackets) stats.peakQueuePackets = queue.packets;
        stats.sojournTotalMs += start - now;
        core.trace.record(now, 'queued', packet);
      }
    }
    this.depart(packet, size, start);
  }

  private enqueueCoDel(codel: CoDelQueue, packet: Packet, size: number, alreadyQueued: boolean) {
    const now = this.core.now;
    if (packet.proto === UDP && !alreadyQueued && codel.full(size)) {
      this.drop(packet, 'queue');
      return;
    }
    const waits = this.busyUntil > now || codel.packets > 0;
    codel.push(packet, size, now);
    if (waits) {
      const stats = this.stats;
      if (codel.bytes > stats.peakQueueBytes) stats.peakQueueBytes = codel.bytes;
      if (codel.packets > stats.peakQueuePackets) stats.peakQueuePackets = codel.packets;
      this.core.trace.record(now, 'queued', packet);
    }
    if (this.serving) return;
    this.serving = true;
    if (this.busyUntil > now) this.core.schedule(this.busyUntil, this.serveFn);
    else this.serve();
  }

  /** The CoDel link is free: the next packet CoDel lets through goes on the wire. */
  private serve(): void {
    const codel = this.codel;
    const now = this.core.now;
    const next = codel?.dequeue(now, (packet) => this.drop(packet, 'codel')) ?? null;
    if (next === null) {
      this.serving = false;
      return;
    }
    this.stats.sojournTotalMs += now - next.enqueuedAt;
    this.depart(next.packet, next.size, now);
    if ((codel as CoDelQueue).packets > 0) this.core.schedule(this.busyUntil, this.serveFn);
    else this.serving = false;
  }

  /** The packet starts transmitting at `start`: loss models, propagation, delivery. */
  private depart(packet: Packet, size: number, start: number): void {
    const core = this.core;
    const cfg = this.cfg;
    const isDatagram = packet.proto === UDP;
    this.stats.enqueued++;
    const departure = start + size * this.msPerByte;
    this.busyUntil = departure;
    const random = this.random;
    if (isDatagram) {
      const lost = this.losses.lose(size);
      if (lost !== null) {
        this.drop(packet, lost);
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
    stats.drops[reason] = (stats.drops[reason] ?? 0) + 1;
    if (LOST.has(reason)) stats.lost++;
    else if (reason === 'partition') stats.partitionDropped++;
    else if (reason === 'queue' || reason === 'red-early' || reason === 'codel') {
      stats.queueDropped++;
    }
    this.core.trace.record(this.core.now, 'dropped', packet, reason);
  }

  /** This path's count and the simulation's trace move together. */
  private note(event: 'sent' | 'reordered' | 'corrupted' | 'duplicated', packet: Packet): void {
    this.stats[event]++;
    this.core.trace.record(this.core.now, event, packet);
  }
}
