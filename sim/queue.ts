import type { SeededRandom } from './random.ts';

/**
 * The queue in front of a link direction's transmitter. The transmitter never runs events of its
 * own: a packet's transmission start is known when it is enqueued (the link is FIFO), so the
 * queue keeps, per waiting packet, its start time and size, and forgets it once that time has
 * come. Occupancy counts waiting packets only, not the rest of the one being transmitted, as
 * ns-3's queues and Linux qdiscs count.
 *
 * - drop-tail: a datagram is refused when the waiting bytes (or packets) plus it would pass the
 *   limit.
 * - RED (RFC 2309, Floyd and Jacobson 1993): an exponentially weighted average of the occupancy
 *   in packets (weight `weight`, decayed over idle time as if small packets had left), no early
 *   drop below minTh, probability rising linearly to maxP at maxTh (spread by the count since the
 *   last drop), every arrival dropped at or above maxTh; the hard limit still applies. Draws come
 *   from the queue's own seeded stream.
 *
 * - CoDel (queue-codel.ts) decides at dequeue time, so a CoDel path dequeues in events of its own
 *   and this class only resolves its settings.
 *
 * Stream segments (reliable) are never refused but occupy the queue like datagrams.
 */

export type QueueSpec =
  /** Limit in bytes or packets (or both); neither: unlimited. */
  | { kind: 'droptail'; bytes?: number; packets?: number }
  | {
      kind: 'red';
      /** Thresholds on the average occupancy, packets. */
      minTh: number;
      maxTh: number;
      /** Early-drop probability at maxTh. */
      maxP: number;
      /** Weight of a new sample in the average (RFC 2309 suggests 0.002). */
      weight: number;
      /** Hard limits, as for drop-tail (default: unlimited). */
      bytes?: number;
      packets?: number;
    }
  /** CoDel (RFC 8289, queue-codel.ts): target 5 ms and interval 100 ms by default. */
  | { kind: 'codel'; targetMs?: number; intervalMs?: number; bytes?: number; packets?: number };

export interface ResolvedQueue {
  kind: 'droptail' | 'red' | 'codel';
  bytes: number;
  packets: number;
  minTh: number;
  maxTh: number;
  maxP: number;
  weight: number;
  targetMs: number;
  intervalMs: number;
}

export function resolveQueue(spec: QueueSpec, queueBytes: number): ResolvedQueue {
  const red = spec.kind === 'red' ? spec : null;
  const codel = spec.kind === 'codel' ? spec : null;
  const resolved: ResolvedQueue = {
    kind: spec.kind,
    bytes:
      spec.bytes ??
      (spec.packets === undefined && spec.kind === 'droptail' ? queueBytes : Infinity),
    packets: spec.packets ?? Number.POSITIVE_INFINITY,
    minTh: red?.minTh ?? 0,
    maxTh: red?.maxTh ?? 0,
    maxP: red?.maxP ?? 0,
    weight: red?.weight ?? 0,
    targetMs: codel?.targetMs ?? 5,
    intervalMs: codel?.intervalMs ?? 100,
  };
  return resolved;
}

/** Why a queue refused a packet (trace drop reasons). */
export type QueueDrop = 'queue' | 'red-early';

/** Mean packet size assumed when RED decays its average over idle time (bytes). */
const RED_IDLE_PACKET_BYTES = 500;

export class LinkQueue {
  /** Waiting packets: transmission start times and sizes, oldest first, from `head`. */
  private starts: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  bytes = 0;
  packets = 0;
  private avg = 0;
  private count = -1;

  constructor(
    private spec: ResolvedQueue,
    private readonly random: SeededRandom,
  ) {}

  configure(spec: ResolvedQueue): void {
    this.spec = spec;
  }

  /** True when every arrival must be examined, even at an empty queue (RED's average). */
  get early(): boolean {
    return this.spec.kind === 'red';
  }

  /** Forgets packets whose transmission has started by `now`. */
  advance(now: number): void {
    const starts = this.starts;
    let head = this.head;
    while (head < starts.length && starts[head] <= now) {
      this.bytes -= this.sizes[head];
      this.packets--;
      head++;
    }
    if (head === starts.length) {
      if (head > 0) {
        starts.length = 0;
        this.sizes.length = 0;
      }
      head = 0;
      this.bytes = 0;
    } else if (head > 1024 && head * 2 > starts.length) {
      this.starts = starts.slice(head);
      this.sizes = this.sizes.slice(head);
      head = 0;
    }
    this.head = head;
  }

  /**
   * Whether a datagram of `size` bytes arriving at `now` may wait (after advance(now));
   * `idleSince` is when the transmitter last went idle (later than now while it is busy).
   */
  admit(size: number, now: number, idleSince: number, bytesPerMs: number): QueueDrop | null {
    const spec = this.spec;
    if (spec.kind === 'red' && this.redDrops(now, idleSince, bytesPerMs)) return 'red-early';
    if (this.bytes + size > spec.bytes + 1e-6 || this.packets + 1 > spec.packets) return 'queue';
    return null;
  }

  /** A packet that will start transmitting at `start` (later than now) waits. */
  push(start: number, size: number): void {
    this.starts.push(start);
    this.sizes.push(size);
    this.bytes += size;
    this.packets++;
  }

  private redDrops(now: number, idleSince: number, bytesPerMs: number): boolean {
    const spec = this.spec;
    if (this.packets > 0 || idleSince >= now) {
      this.avg = (1 - spec.weight) * this.avg + spec.weight * this.packets;
    } else {
      // Idle: the average decays as if m small packets had been sent meanwhile.
      const m =
        Number.isFinite(bytesPerMs) && bytesPerMs > 0
          ? (now - idleSince) / (RED_IDLE_PACKET_BYTES / bytesPerMs)
          : 0;
      this.avg = (1 - spec.weight) ** (m + 1) * this.avg;
    }
    if (this.avg < spec.minTh) {
      this.count = -1;
      return false;
    }
    if (this.avg >= spec.maxTh) {
      this.count = 0;
      return true;
    }
    this.count++;
    const pb = (spec.maxP * (this.avg - spec.minTh)) / (spec.maxTh - spec.minTh);
    const pa = this.count * pb >= 1 ? 1 : pb / (1 - this.count * pb);
    if (this.random.next() < pa) {
      this.count = 0;
      return true;
    }
    return false;
  }

  /** RED's current average occupancy (packets), for tests. */
  get average(): number {
    return this.avg;
  }
}
