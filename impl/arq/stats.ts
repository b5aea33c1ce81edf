/** Plain read-only numbers describing one transfer, as seen by one side. */
export interface TransferStats {
  /** File bytes delivered (receiver: written in order; sender: acknowledged). */
  readonly bytes: number;
  /** From the first datagram of the transfer to its end (or now, while running). */
  readonly seconds: number;
  /** bytes / seconds, in bytes per second. */
  readonly throughputBps: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Sender: packets sent again after going back (timeout or fast retransmit). */
  readonly retransmits: number;
  readonly timeouts: number;
  /** Receiver: data already received; sender: acknowledgements that moved nothing. */
  readonly duplicates: number;
  /** Receiver: data beyond the next expected sequence number (dropped, as Go-Back-N does). */
  readonly outOfOrder: number;
  /** Datagrams from the wrong address, port or transfer id, or failing to decode. */
  readonly ignored: number;
  /** Smoothed round-trip time (sender; NaN before the first sample, 0 on the receiver). */
  readonly srttMs: number;
  readonly rtoMs: number;
  /** Sender: the window in use now (N unless congestion control shrank it); 0 on the receiver. */
  readonly windowNow: number;
  /** Sender: the smallest window in use so far; 0 on the receiver. */
  readonly windowMin: number;
  /** Sender: times it went back after 3 duplicate ACKs, before the timeout. */
  readonly fastRetransmits: number;
}

type Counters = {
  -readonly [K in Exclude<keyof TransferStats, 'seconds' | 'throughputBps'>]: TransferStats[K];
};

/** The mutable side, owned by a sender or receiver; `snapshot` is what callers see. */
export class StatsRecorder implements Counters {
  bytes = 0;
  packetsSent = 0;
  packetsReceived = 0;
  retransmits = 0;
  timeouts = 0;
  duplicates = 0;
  outOfOrder = 0;
  ignored = 0;
  srttMs = 0;
  rtoMs = 0;
  windowNow = 0;
  windowMin = 0;
  fastRetransmits = 0;
  startedAt = Number.NaN;
  endedAt = Number.NaN;

  snapshot(now: number): TransferStats {
    const start = Number.isNaN(this.startedAt) ? now : this.startedAt;
    const end = Number.isNaN(this.endedAt) ? now : this.endedAt;
    const seconds = Math.max(0, end - start) / 1000;
    return Object.freeze({
      bytes: this.bytes,
      seconds,
      throughputBps: seconds > 0 ? this.bytes / seconds : 0,
      packetsSent: this.packetsSent,
      packetsReceived: this.packetsReceived,
      retransmits: this.retransmits,
      timeouts: this.timeouts,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      ignored: this.ignored,
      srttMs: this.srttMs,
      rtoMs: this.rtoMs,
      windowNow: this.windowNow,
      windowMin: this.windowMin,
      fastRetransmits: this.fastRetransmits,
    });
  }
}
