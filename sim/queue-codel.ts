import { type Packet, UDP } from './packet.ts';

/**
 * CoDel (RFC 8289), decided as packets leave the queue. Unlike drop-tail and RED (queue.ts),
 * CoDel needs the queue as it is at dequeue time, so a CoDel link dequeues in events of its own
 * (one per packet). State machine and control law as in the RFC's pseudo-code: once every
 * packet for an interval has waited at least `targetMs` (and more than one packet's bytes wait),
 * it enters the dropping state and drops at intervals of interval / sqrt(count). Stream segments
 * are never dropped (the simulated TCP is reliable), but count toward the occupancy.
 */

export interface Waiting {
  packet: Packet;
  size: number;
  enqueuedAt: number;
}

export class CoDelQueue {
  private fifo: Waiting[] = [];
  private head = 0;
  bytes = 0;
  private maxPacket = 0;
  private firstAboveTime = 0;
  private dropNext = 0;
  private count = 0;
  private lastCount = 0;
  private dropping = false;

  constructor(
    private targetMs: number,
    private intervalMs: number,
    private limitBytes: number,
    private limitPackets: number,
  ) {}

  configure(targetMs: number, intervalMs: number, limitBytes: number, limitPackets: number): void {
    this.targetMs = targetMs;
    this.intervalMs = intervalMs;
    this.limitBytes = limitBytes;
    this.limitPackets = limitPackets;
  }

  get packets(): number {
    return this.fifo.length - this.head;
  }

  /** Whether a datagram of `size` bytes finds the hard limit reached (drop-tail). */
  full(size: number): boolean {
    return this.bytes + size > this.limitBytes || this.packets + 1 > this.limitPackets;
  }

  push(packet: Packet, size: number, now: number): void {
    this.fifo.push({ packet, size, enqueuedAt: now });
    this.bytes += size;
    if (size > this.maxPacket) this.maxPacket = size;
  }

  /** The next packet to transmit at `now`, after CoDel's drops (reported to `drop`). */
  dequeue(now: number, drop: (packet: Packet) => void): Waiting | null {
    let r = this.doDequeue(now);
    if (this.dropping) {
      if (!r.okToDrop) this.dropping = false;
      while (now >= this.dropNext && this.dropping && r.item !== null && droppable(r.item)) {
        drop(r.item.packet);
        this.count++;
        r = this.doDequeue(now);
        if (!r.okToDrop) this.dropping = false;
        else this.dropNext = this.controlLaw(this.dropNext);
      }
    } else if (r.okToDrop && r.item !== null && droppable(r.item)) {
      drop(r.item.packet);
      r = this.doDequeue(now);
      this.dropping = true;
      const delta = this.count - this.lastCount;
      this.count = delta > 1 && now - this.dropNext < 16 * this.intervalMs ? delta : 1;
      this.dropNext = this.controlLaw(now);
      this.lastCount = this.count;
    }
    return r.item;
  }

  private doDequeue(now: number): { item: Waiting | null; okToDrop: boolean } {
    if (this.head === this.fifo.length) {
      this.firstAboveTime = 0;
      return { item: null, okToDrop: false };
    }
    const item = this.fifo[this.head++];
    this.bytes -= item.size;
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    const sojourn = now - item.enqueuedAt;
    let okToDrop = false;
    if (sojourn < this.targetMs || this.bytes <= this.maxPacket) this.firstAboveTime = 0;
    else if (this.firstAboveTime === 0) this.firstAboveTime = now + this.intervalMs;
    else if (now >= this.firstAboveTime) okToDrop = true;
    return { item, okToDrop };
  }

  private controlLaw(t: number): number {
    return t + this.intervalMs / Math.sqrt(this.count);
  }
}

function droppable(item: Waiting): boolean {
  return item.packet.proto === UDP;
}
