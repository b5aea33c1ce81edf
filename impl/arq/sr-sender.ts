/**
 * Selective Repeat sender core (no I/O). START alone until the receiver echoes the token (address
 * validation), then DATA ISN+1.. and FIN, at most min(N, cwnd, advertised) packets past the
 * cumulative point. Per-packet state (sr-flight.ts): only what is missing is sent again.
 *
 * Loss recovery:
 *  - Timeout, per packet: each packet's deadline is its last send time plus the current RTO, and
 *    one timer serves them all (the send log's oldest live entry). Per-packet deadlines rather
 *    than TCP's single timer restarted on every ACK because Selective Repeat recovers several
 *    holes of one window independently: a restarted timer would push a later hole's recovery
 *    back by every ACK the earlier packets draw, and the analytic model's "a loss costs the RTO"
 *    would no longer hold. Packets expiring together count as one timeout (one RTO back-off).
 *  - Fast retransmit (RFC 6675's DupThresh): a hole is resent once DUP_THRESH packets above it
 *    are SACKed, once per packet.
 * RTT samples come from data packets sent once (Karn), one per ACK (the newest it covers).
 * AIMD halves the window at most once per window of data (recovery point), grows it by one per
 * clean round trip. After `maxRetries` timeouts in a row without progress: ABORT.
 * With an advertised window of 0 and nothing outstanding, the persist timer re-sends the last
 * acknowledged packet (a duplicate the receiver re-ACKs with its current window).
 */
import type { ErrorCode } from '../errors.ts';
import {
  encodeData,
  encodeFin,
  encodeStart,
  type Packet,
  type Scheme,
  seqAdd,
  seqDiff,
} from './codec.ts';
import { EffectiveWindow } from './congestion.ts';
import type { ArqSenderCore, CoreFailure, CoreStatus } from './core.ts';
import {
  payloadBytes,
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { RtoEstimator } from './rto.ts';
import { AbortRepeater, remoteFailure } from './sr-abort.ts';
import { Flight } from './sr-flight.ts';
import { Replies, readIncoming } from './sr-inbox.ts';
import { ReadAhead } from './sr-read-ahead.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

export interface SrSenderInit {
  transferId: number;
  isn: number;
  token: bigint;
  fileSize: number;
  sha256: Uint8Array;
  options?: TransferOptionsInput;
  now: number;
}

/** SACKed packets above a hole that make it lost (RFC 6675). */
export const DUP_THRESH = 3;

export class SrSenderCore implements ArqSenderCore {
  readonly scheme: Scheme = 'sr';
  readonly #id: number;
  readonly #isn: number;
  readonly #token: bigint;
  readonly #options: TransferOptions;
  readonly #stats = new StatsRecorder();
  readonly #replies: Replies;
  readonly #rto: RtoEstimator;
  readonly #cwnd: EffectiveWindow;
  readonly #flight: Flight;
  readonly #queue: ReadAhead;
  readonly #start: Buffer;
  /** Offset of FIN (data packets are 1..finAt-1). */
  readonly #finAt: number;
  #status: CoreStatus = 'active';
  #failure: CoreFailure | null = null;
  #validated = false;
  /** START is due (first send or a timeout). */
  #startDue = true;
  #startSentAt: number;
  /** Lowest offset not yet acknowledged cumulatively (0 while START is). */
  #base = 0;
  /** Next offset never sent. */
  #next = 1;
  #advertised: number;
  /** No new window halving until the cumulative point passes this offset. */
  #recover = 0;
  #timeoutsInARow = 0;
  /** The last cumulatively acknowledged datagram: the persist probe. */
  #probe: Buffer;
  #probeDue = false;
  #quietSince: number;
  #aborting: AbortRepeater | null = null;

  constructor(init: SrSenderInit) {
    this.#options = resolveTransferOptions(init.options);
    this.#id = init.transferId >>> 0;
    this.#isn = init.isn >>> 0;
    this.#token = init.token;
    const window = this.#options.window;
    this.#start = encodeStart({
      transferId: this.#id,
      isn: this.#isn,
      fileSize: init.fileSize,
      sha256: init.sha256,
      window,
      scheme: 'sr',
      token: init.token,
    });
    this.#probe = this.#start;
    this.#finAt = Math.ceil(init.fileSize / payloadBytes(this.#options)) + 1;
    this.#replies = new Replies(this.#id);
    this.#rto = new RtoEstimator(this.#options.rto);
    this.#cwnd = new EffectiveWindow(window, this.#options.congestion);
    this.#flight = new Flight(window + 1);
    this.#queue = new ReadAhead(init.fileSize, payloadBytes(this.#options), (offset, payload) =>
      this.#flight.load(offset, encodeData(this.#id, seqAdd(this.#isn, offset), payload)),
    );
    this.#advertised = window;
    this.#startSentAt = init.now;
    this.#quietSince = init.now;
  }

  get status(): CoreStatus {
    return this.#status;
  }
  get failure(): CoreFailure | null {
    return this.#failure;
  }
  get validated(): boolean {
    return this.#validated;
  }

  stats(now: number): TransferStats {
    const stats = this.#stats;
    stats.srttMs = this.#rto.srttMs;
    stats.rtoMs = this.#rto.rtoMs;
    stats.windowNow = this.#cwnd.size;
    stats.windowMin = this.#cwnd.smallest;
    return stats.snapshot(now);
  }

  /** Packets it may have past the cumulative point now. */
  #limit(): number {
    return Math.min(this.#options.window, this.#cwnd.size, this.#advertised);
  }

  dataWanted(): number {
    if (this.#status !== 'active') return 0;
    const base = Math.max(this.#base, 1);
    const upTo = Math.min(
      base + (this.#validated ? this.#limit() : 0) + 1,
      base + this.#options.window + 1,
    );
    return this.#queue.wanted(upTo);
  }

  offerData(chunk: Buffer): void {
    if (this.#status === 'active') this.#queue.offer(chunk);
  }

  handleDatagram(datagram: Buffer, now: number): void {
    const packet = readIncoming(datagram, this.#id);
    if (packet === null) {
      this.#stats.ignored++;
    } else if (packet.kind === 'old-version') {
      if (this.#validated) this.#stats.ignored++;
      else this.#fail('UNSUPPORTED_VERSION', 'the receiver speaks datagram version 1', now);
    } else if (packet.kind === 'ack' || packet.kind === 'abort') {
      if (this.#validated && packet.token !== this.#token) this.#stats.ignored++;
      else if (packet.kind === 'abort') this.#onAbort(packet.code, now);
      else if (packet.token !== this.#token) this.#stats.ignored++;
      else if (this.#status === 'active') this.#onAck(packet, now);
    } else if (packet.kind === 'abort-ack') {
      this.#stats.packetsReceived++;
      this.#aborting?.acknowledge();
    } else {
      this.#stats.ignored++;
    }
  }

  #onAbort(code: string, now: number): void {
    this.#stats.packetsReceived++;
    this.#replies.oweAbortAck();
    if (this.#status === 'active') this.#end(remoteFailure('receiver', code), now);
  }

  #onAck(ack: Extract<Packet, { kind: 'ack' }>, now: number): void {
    const stats = this.#stats;
    stats.packetsReceived++;
    if (!this.#validated) {
      if (ack.seq !== seqAdd(this.#isn, 1)) {
        stats.duplicates++;
        return;
      }
      this.#validated = true;
      this.#base = 1;
      this.#timeoutsInARow = 0;
      this.#advertised = ack.window;
      this.#quietSince = now;
      return;
    }
    const cum = this.#base + seqDiff(ack.seq, seqAdd(this.#isn, this.#base));
    if (cum < this.#base || cum > this.#next) {
      if (cum < this.#base) stats.duplicates++;
      else stats.ignored++; // acknowledges what was never sent
      return;
    }
    const flight = this.#flight;
    let newly = 0;
    let newest = -1;
    for (let offset = this.#base; offset < cum; offset++) {
      if (!flight.sacked(offset)) {
        newly++;
        newest = offset;
      }
      this.#probe = flight.datagram(offset) ?? this.#probe;
      flight.release(offset);
    }
    this.#base = cum;
    const sack = ack.sack;
    const top = Math.min(this.#next, cum + 1 + sack.length * 8);
    for (let offset = cum + 1; offset < top; offset++) {
      const i = offset - cum - 1;
      if ((sack[i >> 3] & (0x80 >> (i & 7))) === 0 || flight.sacked(offset)) continue;
      flight.markSacked(offset);
      newly++;
      if (offset > newest) newest = offset;
    }
    // Karn: a round trip only from a packet sent once; the newest one this ACK covers.
    if (newest >= 0 && newest < this.#finAt && flight.sends(newest) === 1) {
      this.#rto.sample(now - flight.sentAt(newest));
    }
    if (this.#advertised === 0 && ack.window > 0) this.#timeoutsInARow = 0; // persist over
    this.#advertised = ack.window;
    this.#quietSince = now;
    if (newly === 0) stats.duplicates++;
    else {
      this.#timeoutsInARow = 0;
      this.#cwnd.onAcked(newly);
    }
    stats.bytes = Math.min(this.#queue.fileSize, (this.#base - 1) * this.#queue.payloadBytes);
    if (this.#base > this.#finAt) {
      this.#status = 'done';
      stats.endedAt = now;
      flight.clear();
      return;
    }
    if (this.#options.fastRetransmit && top > cum + 1) this.#detectHoles(top);
  }

  /** RFC 6675's IsLost: DUP_THRESH SACKed packets above a hole; each hole resent once. */
  #detectHoles(top: number): void {
    const flight = this.#flight;
    let above = 0;
    let found = false;
    for (let offset = top - 1; offset >= this.#base; offset--) {
      if (flight.sacked(offset)) above++;
      else if (above >= DUP_THRESH && !flight.fastRetransmitted(offset)) {
        flight.markFastRetransmitted(offset);
        this.#flight.resend(offset);
        this.#stats.fastRetransmits++;
        found = true;
      }
    }
    if (found) this.#lossDetected();
  }

  /** Halve the window at most once per window of data. */
  #lossDetected(): void {
    if (this.#base <= this.#recover) return;
    this.#cwnd.onLoss();
    this.#recover = this.#next - 1;
  }

  handleTimeout(now: number): void {
    if (this.#status !== 'active') return;
    if (!this.#validated) {
      if (now < this.#startSentAt + this.#rto.rtoMs) return;
      if (this.#timedOut(now)) this.#startDue = true;
      return;
    }
    const flight = this.#flight;
    const rto = this.#rto.rtoMs;
    let expired = false;
    for (let live = flight.oldestLive(this.#base); live !== null && live.at + rto <= now; ) {
      this.#flight.resend(live.offset);
      flight.dropOldest();
      expired = true;
      live = flight.oldestLive(this.#base);
    }
    if (!expired && this.#persistAt() !== null && now >= this.#persistAt()!) {
      this.#probeDue = this.#timedOut(now);
      this.#quietSince = now;
      return;
    }
    if (expired && this.#timedOut(now)) this.#lossDetected();
  }

  /** One timeout event: counts, backs off, or gives up after too many in a row. */
  #timedOut(now: number): boolean {
    this.#stats.timeouts++;
    if (++this.#timeoutsInARow > this.#options.maxRetries) {
      const message = `no acknowledgement after ${this.#timeoutsInARow} timeouts (last ${this.#rto.rtoMs} ms)`;
      this.#fail('TRANSFER_TIMEOUT', message, now);
      return false;
    }
    this.#rto.backOff();
    return true;
  }

  /** With a zero window and nothing outstanding: when to probe. */
  #persistAt(): number | null {
    const idle = this.#advertised === 0 && this.#base === this.#next && this.#base <= this.#finAt;
    return idle ? this.#quietSince + this.#rto.rtoMs : null;
  }

  pollTimeout(): number | null {
    if (this.#status === 'failed') return this.#aborting?.deadline() ?? null;
    if (this.#status === 'done') return null;
    if (!this.#validated) return this.#startSentAt + this.#rto.rtoMs;
    const live = this.#flight.oldestLive(this.#base);
    return live !== null ? live.at + this.#rto.rtoMs : this.#persistAt();
  }

  pollTransmit(now: number): Buffer | null {
    const reply = this.#replies.poll() ?? this.#aborting?.poll(now, this.#rto.rtoMs) ?? null;
    if (reply !== null || this.#status !== 'active') return this.#count(reply, now);
    if (!this.#validated) {
      if (!this.#startDue) return null;
      this.#startDue = false;
      this.#startSentAt = now;
      return this.#count(this.#start, now);
    }
    for (let offset = this.#flight.nextResend(); offset >= 0; offset = this.#flight.nextResend()) {
      if (offset < this.#base || this.#flight.sacked(offset)) continue;
      this.#stats.retransmits++;
      return this.#count(this.#flight.send(offset, now), now);
    }
    if (this.#probeDue) {
      this.#probeDue = false;
      return this.#count(this.#probe, now);
    }
    const next = this.#next;
    if (next > this.#finAt || next >= this.#base + this.#limit()) return null;
    if (next === this.#finAt) this.#flight.load(next, encodeFin(this.#id, seqAdd(this.#isn, next)));
    else if (this.#flight.datagram(next) === undefined || next >= this.#queue.filled) return null;
    this.#next++;
    return this.#count(this.#flight.send(next, now), now);
  }

  #count(datagram: Buffer | null, now: number): Buffer | null {
    if (datagram === null) return null;
    if (Number.isNaN(this.#stats.startedAt)) this.#stats.startedAt = now;
    this.#stats.packetsSent++;
    return datagram;
  }

  abort(code: ErrorCode, message: string, now: number): void {
    this.#fail(code, message, now);
  }

  #fail(code: ErrorCode, message: string, now: number): void {
    if (this.#status !== 'active') return;
    this.#end({ code, message, remote: false }, now);
    if (code === 'UNSUPPORTED_VERSION') this.#replies.oweOldVersionAbort();
    else this.#aborting = new AbortRepeater(this.#id, code, this.#token, now);
  }

  #end(failure: CoreFailure, now: number): void {
    this.#status = 'failed';
    this.#failure = failure;
    this.#stats.endedAt = now;
    this.#flight.clear();
  }
}
