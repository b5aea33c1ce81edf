/**
 * The Selective Repeat sender's per-packet state for the packets between its cumulative point
 * and what it has read ahead: the datagram, when it was last sent, how often, whether a SACK
 * covered it, whether it was already fast-retransmitted. A ring of `capacity` slots indexed by
 * offset (N + 1: the window plus the one packet read ahead), so memory is bounded by N packets.
 *
 * It also keeps the send log: (offset, time) in send order. Every packet's deadline is its last
 * send time plus the current RTO, so the log's oldest live entry is the earliest deadline: one
 * timer serves per-packet timeouts without a heap. Entries go stale when their packet is
 * acknowledged or sent again; stale ones are dropped from the front.
 */
export interface AckEffect {
  newly: number;
  newest: number;
  /** The last sent of the packets newly acknowledged: its send time (-Infinity: none), offset. */
  latestSend: number;
  latestOffset: number;
  passed: Buffer | undefined;
  top: number;
}

export class Flight {
  readonly #capacity: number;
  readonly #datagrams: (Buffer | undefined)[];
  readonly #sentAt: Float64Array;
  readonly #sends: Uint32Array;
  /** 1: SACKed or acknowledged; 2: fast-retransmitted; 4: waiting in the resend queue. */
  readonly #flags: Uint8Array;
  #logOffsets: number[] = [];
  #logTimes: number[] = [];
  #logHead = 0;
  #resends: number[] = [];
  #resendHead = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#datagrams = new Array(capacity);
    this.#sentAt = new Float64Array(capacity);
    this.#sends = new Uint32Array(capacity);
    this.#flags = new Uint8Array(capacity);
  }

  /** A new packet read ahead: its datagram, not sent yet. */
  load(offset: number, datagram: Buffer): void {
    const slot = offset % this.#capacity;
    this.#datagrams[slot] = datagram;
    this.#sends[slot] = 0;
    this.#flags[slot] = 0;
  }

  datagram(offset: number): Buffer | undefined {
    return this.#datagrams[offset % this.#capacity];
  }

  /** Records a send of `offset` at `now` and returns its datagram. */
  send(offset: number, now: number): Buffer {
    const slot = offset % this.#capacity;
    this.#sentAt[slot] = now;
    this.#sends[slot]++;
    this.#logOffsets.push(offset);
    this.#logTimes.push(now);
    return this.#datagrams[slot]!;
  }

  sends(offset: number): number {
    return this.#sends[offset % this.#capacity];
  }

  sentAt(offset: number): number {
    return this.#sentAt[offset % this.#capacity];
  }

  sacked(offset: number): boolean {
    return (this.#flags[offset % this.#capacity] & 1) !== 0;
  }

  /** A SACK covered it: the receiver holds it, the datagram is no longer needed. */
  markSacked(offset: number): void {
    const slot = offset % this.#capacity;
    this.#flags[slot] |= 1;
    this.#datagrams[slot] = undefined;
  }

  fastRetransmitted(offset: number): boolean {
    return (this.#flags[offset % this.#capacity] & 2) !== 0;
  }

  /** Queues `offset` to be sent again (once, however often it is asked). */
  resend(offset: number): void {
    const slot = offset % this.#capacity;
    if ((this.#flags[slot] & 4) !== 0) return;
    this.#flags[slot] |= 4;
    this.#resends.push(offset);
  }

  /** The next offset queued for sending again, or -1. */
  nextResend(): number {
    if (this.#resendHead === this.#resends.length) {
      this.#resends.length = 0;
      this.#resendHead = 0;
      return -1;
    }
    const offset = this.#resends[this.#resendHead++];
    this.#flags[offset % this.#capacity] &= ~4;
    return offset;
  }

  /** The cumulative point passed it. */
  release(offset: number): void {
    const slot = offset % this.#capacity;
    this.#datagrams[slot] = undefined;
    this.#flags[slot] = 1;
  }

  /**
   * Applies an ACK: the cumulative point moved from `base` to `cum`, and `sack` bit i says
   * `cum + 1 + i` arrived (only offsets below `next`, the ones sent, count). Returns how many
   * packets this ACK newly acknowledged, the newest of them (-1: none) and the last datagram the
   * cumulative point passed (the persist probe), and where the SACK information ends.
   */
  acknowledge(base: number, cum: number, sack: Buffer, next: number): AckEffect {
    const effect: AckEffect = {
      newly: 0,
      newest: -1,
      latestSend: Number.NEGATIVE_INFINITY,
      latestOffset: -1,
      passed: undefined,
      top: cum + 1,
    };
    for (let offset = base; offset < cum; offset++) {
      if (!this.sacked(offset)) {
        effect.newly++;
        effect.newest = offset;
        this.#later(effect, offset);
      }
      effect.passed = this.datagram(offset) ?? effect.passed;
      this.release(offset);
    }
    effect.top = Math.min(next, cum + 1 + sack.length * 8);
    for (let offset = cum + 1; offset < effect.top; offset++) {
      const i = offset - cum - 1;
      if ((sack[i >> 3] & (0x80 >> (i & 7))) === 0 || this.sacked(offset)) continue;
      this.markSacked(offset);
      effect.newly++;
      if (offset > effect.newest) effect.newest = offset;
      this.#later(effect, offset);
    }
    return effect;
  }

  /** Keeps in `effect` whichever of its latest and `offset` was sent last (send time, then offset). */
  #later(effect: AckEffect, offset: number): void {
    const at = this.sentAt(offset);
    if (at > effect.latestSend || (at === effect.latestSend && offset > effect.latestOffset)) {
      effect.latestSend = at;
      effect.latestOffset = offset;
    }
  }

  /**
   * RFC 6675's IsLost: a hole with `threshold` SACKed packets above it (below `top`) is lost,
   * counting for a hole already sent again only the packets sent after that (a SACK that left
   * before the retransmission arrived says nothing about it). Queues each such hole once in its
   * life, lowest first; returns how many it queued.
   */
  markLost(base: number, top: number, threshold: number): number {
    const lost: number[] = [];
    let above = 0;
    for (let offset = top - 1; offset >= base; offset--) {
      if (this.sacked(offset)) above++;
      else if (above >= threshold && !this.fastRetransmitted(offset)) {
        if (this.sends(offset) === 1 || this.#sackedSince(offset, top) >= threshold)
          lost.push(offset);
      }
    }
    for (let i = lost.length - 1; i >= 0; i--) {
      this.#flags[lost[i]! % this.#capacity] |= 2;
      this.resend(lost[i]!);
    }
    return lost.length;
  }

  /** SACKed packets above `hole` (below `top`) sent after the hole's last send. */
  #sackedSince(hole: number, top: number): number {
    const since = this.sentAt(hole);
    let count = 0;
    for (let offset = hole + 1; offset < top; offset++) {
      if (this.sacked(offset) && this.sentAt(offset) > since) count++;
    }
    return count;
  }

  /**
   * The oldest send still waiting for an acknowledgement, given the cumulative point `base`: its
   * offset and time, or null. Drops stale entries on the way.
   */
  oldestLive(base: number): { offset: number; at: number } | null {
    const offsets = this.#logOffsets;
    const times = this.#logTimes;
    while (this.#logHead < offsets.length) {
      const offset = offsets[this.#logHead];
      const at = times[this.#logHead];
      const stale = offset < base || this.sacked(offset) || this.sentAt(offset) !== at;
      if (!stale) return { offset, at };
      this.#logHead++;
    }
    this.#logOffsets = [];
    this.#logTimes = [];
    this.#logHead = 0;
    return null;
  }

  /** Removes the front entry (after `oldestLive` returned it). */
  dropOldest(): void {
    this.#logHead++;
    if (this.#logHead > 1024 && this.#logHead * 2 > this.#logOffsets.length) {
      this.#logOffsets = this.#logOffsets.slice(this.#logHead);
      this.#logTimes = this.#logTimes.slice(this.#logHead);
      this.#logHead = 0;
    }
  }

  clear(): void {
    this.#datagrams.fill(undefined);
    this.#resends = [];
    this.#resendHead = 0;
    this.#logOffsets = [];
    this.#logTimes = [];
    this.#logHead = 0;
  }
}
