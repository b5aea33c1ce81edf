import { type Packet, UDP } from './packet.ts';

/**
 * The packet trace. Every packet event updates counters and a 64-bit running hash (two 32-bit
 * lanes of multiply-xor mixing over numbers only: cheap enough to stay always on). Full records
 * are kept only when tracing is enabled, and payload captures for pcap only when capture is.
 */

export type TraceEvent =
  | 'sent'
  | 'queued'
  | 'dropped'
  | 'duplicated'
  | 'corrupted'
  | 'reordered'
  | 'delivered';

export type DropReason =
  | 'queue'
  | 'loss'
  | 'burst-loss'
  | 'partition'
  | 'host-down'
  | 'no-socket'
  | 'rcvbuf'
  | 'red-early'
  | 'bit-error'
  | 'drop-list'
  | 'nat-filtered'
  | 'no-route'
  | 'codel'
  /** A connected socket takes datagrams only from its peer (the kernel drops the rest). */
  | 'not-connected';

const EVENT_CODES: Record<TraceEvent, number> = {
  sent: 1,
  queued: 2,
  dropped: 3,
  duplicated: 4,
  corrupted: 5,
  reordered: 6,
  delivered: 7,
};

const REASON_CODES: Record<DropReason, number> = {
  queue: 1,
  loss: 2,
  'burst-loss': 3,
  partition: 4,
  'host-down': 5,
  'no-socket': 6,
  rcvbuf: 7,
  'red-early': 8,
  'bit-error': 9,
  'drop-list': 10,
  'nat-filtered': 11,
  'no-route': 12,
  codel: 13,
  'not-connected': 14,
};

export interface TraceRecord {
  time: number;
  event: TraceEvent;
  reason?: DropReason;
  proto: 'udp' | 'tcp';
  from: string;
  to: string;
  size: number;
}

/** A packet kept for pcapng: sent, or what the network did to it (sim/pcap.ts). */
export interface Capture {
  time: number;
  packet: Packet;
  event?: TraceEvent;
  reason?: DropReason;
}

export class TraceCounters {
  sent = 0;
  queued = 0;
  dropped = 0;
  duplicated = 0;
  corrupted = 0;
  reordered = 0;
  delivered = 0;
  readonly drops: Record<DropReason, number> = {
    queue: 0,
    loss: 0,
    'burst-loss': 0,
    partition: 0,
    'host-down': 0,
    'no-socket': 0,
    rcvbuf: 0,
    'red-early': 0,
    'bit-error': 0,
    'drop-list': 0,
    'nat-filtered': 0,
    'no-route': 0,
    codel: 0,
    'not-connected': 0,
  };
}

const TWO_32 = 4294967296;

export class Trace {
  readonly counters = new TraceCounters();
  /** Full records; null unless tracing is enabled. */
  records: TraceRecord[] | null = null;
  /** Sent packets for pcap export; null unless capture is enabled. */
  captures: Capture[] | null = null;
  private lo = 0x811c9dc5;
  private hi = 0x27d4eb2f;

  record(time: number, event: TraceEvent, packet: Packet, reason?: DropReason): void {
    const counters = this.counters;
    counters[event]++;
    if (reason !== undefined) counters.drops[reason]++;
    const ns = Math.round(time * 1e6);
    this.mix(EVENT_CODES[event] | ((reason === undefined ? 0 : REASON_CODES[reason]) << 8));
    this.mix((ns % TWO_32) | 0);
    this.mix((ns / TWO_32) | 0);
    this.mix(packet.from.index | (packet.to.index << 16));
    this.mix(packet.srcPort | (packet.dstPort << 16));
    this.mix(packet.wireSize | (packet.flags << 24));
    if (this.records !== null) {
      this.records.push({
        time,
        event,
        reason,
        proto: packet.proto === UDP ? 'udp' : 'tcp',
        from: `${packet.srcAddress}:${packet.srcPort}`,
        to: `${packet.dstAddress}:${packet.dstPort}`,
        size: packet.wireSize,
      });
    }
    if (this.captures !== null && event !== 'queued' && event !== 'delivered') {
      this.captures.push({ time, packet, event, reason });
    }
  }

  /** 16 hex digits; equal for equal runs. */
  hash(): string {
    return (
      (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0')
    );
  }

  private mix(value: number): void {
    let lo = Math.imul(this.lo ^ value, 0x01000193);
    lo ^= lo >>> 15;
    let hi = Math.imul(this.hi ^ value ^ (lo >>> 7), 0x85ebca6b);
    hi ^= hi >>> 13;
    this.lo = lo;
    this.hi = hi;
  }
}
