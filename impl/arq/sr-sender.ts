/**
 * Selective Repeat sender core (no I/O). START alone until the receiver echoes the token (address
 * validation), then DATA ISN+1.. and FIN, at most min(N, cwnd, advertised) packets past the
 * cumulative point; per-packet state (sr-flight.ts), so only what is missing is sent again:
 *  - on timeout, per packet (sr-expiry.ts: its last send plus the RTO, or the latest cumulative
 *    progress plus the RTO while nothing sent after it was acknowledged), one timer serving all
 *    (the send log's oldest live entry); packets expiring together are one timeout (one back-off);
 *  - on SACK (RFC 6675's DupThresh): a hole with 3 SACKed packets above it, once per packet.
 * RTT samples from data packets sent once (Karn), one per ACK (the newest it covers); progress
 * ends the RTO backoff. AIMD halves at most once per window of data, +1 per clean round trip.
 * `maxRetries` timeouts in a row without progress: ABORT. A zero window with nothing outstanding
 * arms the persist probe (below).
 */
import type { ErrorCode } from '../errors.ts';
import { remoteFailure } from './abort.ts';
// RFC 6675's DupThresh (SACKed packets above a hole that make it lost) is RFC 5681's 3.
import { DUP_ACK_THRESHOLD as DUP_THRESH } from './ack-schedule.ts';
import { encodeData, encodeStart, type Packet, seqAdd, seqDiff } from './codec.ts';
import { EffectiveWindow } from './congestion.ts';
import type { ArqSenderCore, CoreFailure, CoreStatus, SenderInit } from './core.ts';
import { SenderDigest } from './file-digest.ts';
import { classify } from './inbound.ts';
import { payloadBytes, resolveTransferOptions, type TransferOptions } from './options.ts';
import { RtoEstimator } from './rto.ts';
import { SrEndpoint } from './sr-endpoint.ts';
import { Expiry, type SendMark } from './sr-expiry.ts';
import { Flight } from './sr-flight.ts';
import { Probe } from './sr-probe.ts';
import { ReadAhead } from './sr-read-ahead.ts';
import type { TransferStats } from './stats.ts';

export class SrSenderCore extends SrEndpoint implements ArqSenderCore {
  readonly #isn: number;
  readonly #token: bigint;
  readonly #options: TransferOptions;
  readonly #rto: RtoEstimator;
  readonly #cwnd: EffectiveWindow;
  readonly #flight: Flight;
  readonly #queue: ReadAhead;
  readonly #digest: SenderDigest;
  /** Offset of FIN (data packets are 1..finAt-1). */
  readonly #finAt: number;
  #status: CoreStatus = 'active';
  #validated = false;
  /** Lowest offset not yet acknowledged cumulatively (0 while START is). */
  #base = 0;
  /** Next offset never sent. */
  #next = 1;
  #advertised: number;
  /** No new window halving until the cumulative point passes this offset. */
  #recover = 0;
  #timeoutsInARow = 0;
  readonly #expiry = new Expiry();
  readonly #probe: Probe;

  constructor(init: SenderInit) {
    super(init.transferId);
    this.#options = resolveTransferOptions(init.options);
    this.#isn = init.isn >>> 0;
    this.#token = init.token;
    const window = this.#options.window;
    this.#digest = new SenderDigest(init.sha256);
    const start = encodeStart({
      transferId: this.id,
      isn: this.#isn,
      fileSize: init.fileSize,
      ...this.#digest.start,
      window,
      scheme: 'sr',
      token: init.token,
    });
    this.#probe = new Probe(start, init.now);
    this.#finAt = Math.ceil(init.fileSize / payloadBytes(this.#options)) + 1;
    this.#rto = new RtoEstimator(this.#options.rto);
    this.#cwnd = new EffectiveWindow(window, this.#options.congestion);
    this.#flight = new Flight(window + 1);
    const load = (offset: number, payload: Buffer) =>
      this.#flight.load(offset, encodeData(this.id, seqAdd(this.#isn, offset), payload));
    this.#queue = new ReadAhead(init.fileSize, payloadBytes(this.#options), load, this.#digest);
    this.#advertised = window;
  }

  get status(): CoreStatus {
    return this.#status;
  }
  get validated(): boolean {
    return this.#validated;
  }
  get sha256(): Uint8Array | undefined {
    return this.#digest.sha256;
  }

  stats(now: number): TransferStats {
    Object.assign(this.counters, {
      srttMs: this.#rto.srttMs,
      rtoMs: this.#rto.rtoMs,
      windowNow: this.#cwnd.size,
      windowMin: this.#cwnd.smallest,
    });
    return this.counters.snapshot(now);
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
    const packet = classify(datagram, this.id);
    if (packet.kind === 'foreign') {
      this.counters.ignored++;
    } else if (packet.kind === 'old-version') {
      if (this.#validated) this.counters.ignored++;
      else this.abort('UNSUPPORTED_VERSION', 'the receiver speaks datagram version 1', now);
    } else if (packet.kind === 'ack' || packet.kind === 'abort') {
      if (this.#validated && packet.token !== this.#token) this.counters.ignored++;
      else if (packet.kind === 'abort') this.#onAbort(packet.code, now);
      else if (packet.token !== this.#token) this.counters.ignored++;
      else if (this.#status === 'active') this.#onAck(packet, now);
      else this.counters.ignored++; // an ACK after the end: counted, as Go-Back-N does
    } else if (packet.kind === 'abort-ack') {
      this.abortAcknowledged();
    } else {
      this.counters.ignored++;
    }
  }

  #onAbort(code: string, now: number): void {
    this.counters.packetsReceived++;
    this.control.owe();
    this.#end(remoteFailure('receiver', code), now);
  }

  #onAck(ack: Extract<Packet, { kind: 'ack' }>, now: number): void {
    const stats = this.counters;
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
      this.#probe.heard(now);
      return;
    }
    const cum = this.#base + seqDiff(ack.seq, seqAdd(this.#isn, this.#base));
    if (cum < this.#base || cum > this.#next) {
      if (cum < this.#base) stats.duplicates++;
      else stats.ignored++; // acknowledges what was never sent
      return;
    }
    const flight = this.#flight;
    const acked = flight.acknowledge(this.#base, cum, ack.sack, this.#next);
    const { newly, newest, top } = acked;
    this.#probe.datagram = acked.passed ?? this.#probe.datagram;
    if (cum > this.#base) this.#expiry.progressed(now, this.#rto); // ends the RTO backoff too
    this.#base = cum;
    this.#expiry.delivered({ offset: acked.latestOffset, at: acked.latestSend });
    // Karn: a round trip only from a packet sent once; the newest one this ACK covers.
    if (newest >= 0 && newest < this.#finAt && flight.sends(newest) === 1) {
      this.#rto.sample(now - flight.sentAt(newest));
    }
    const previous = this.#advertised;
    // Progress, or the end of a persist: the count of timeouts without progress starts again.
    if (newly > 0 || (previous === 0 && ack.window > 0)) this.#timeoutsInARow = 0;
    this.#advertised = ack.window;
    this.#probe.heard(now, ack.window);
    if (newly > 0) this.#cwnd.onAcked(newly);
    else if (ack.window === previous) stats.duplicates++; // else a window update
    stats.bytes = Math.min(this.#queue.fileSize, (this.#base - 1) * this.#queue.payloadBytes);
    if (this.#base > this.#finAt) {
      this.#status = 'done';
      stats.endedAt = now;
      flight.clear();
      return;
    }
    if (!this.#options.fastRetransmit || top <= cum + 1) return;
    const lost = flight.markLost(cum, top, DUP_THRESH);
    stats.fastRetransmits += lost;
    if (lost > 0) this.#lossDetected();
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
      if (now >= this.#probe.deadline(this.#rto.rtoMs) && this.#timedOut(now)) this.#probe.arm();
      return;
    }
    let expired = false;
    for (let live = this.#expired(now); live !== null; live = this.#expired(now)) {
      this.#flight.resend(live.offset);
      this.#flight.dropOldest();
      expired = true;
    }
    const persist = this.#persistAt();
    if (expired && this.#timedOut(now)) this.#lossDetected();
    else if (!expired && persist !== null && now >= persist && this.#timedOut(now)) {
      this.#probe.arm();
    }
  }

  /** One timeout event: counts, backs off, or gives up after too many in a row. */
  #timedOut(now: number): boolean {
    this.counters.timeouts++;
    if (++this.#timeoutsInARow > this.#options.maxRetries) {
      const message = `no acknowledgement after ${this.#timeoutsInARow} timeouts (last ${this.#rto.rtoMs} ms)`;
      this.abort('TRANSFER_TIMEOUT', message, now);
      return false;
    }
    this.#rto.backOff();
    return true;
  }

  /** The oldest packet still out, if its deadline has passed. */
  #expired(now: number): SendMark | null {
    const live = this.#flight.oldestLive(this.#base);
    return live !== null && this.#expiry.of(live, this.#rto.rtoMs) <= now ? live : null;
  }

  /** With a zero window and nothing outstanding: when to probe. */
  #persistAt(): number | null {
    const idle = this.#advertised === 0 && this.#base === this.#next && this.#base <= this.#finAt;
    return idle ? this.#probe.deadline(this.#rto.rtoMs) : null;
  }

  pollTimeout(): number | null {
    if (this.#status === 'failed') return this.abortDeadline();
    if (this.#status === 'done') return null;
    if (!this.#validated) return this.#probe.deadline(this.#rto.rtoMs);
    const live = this.#flight.oldestLive(this.#base);
    return live !== null ? this.#expiry.of(live, this.#rto.rtoMs) : this.#persistAt();
  }

  pollTransmit(now: number): Buffer | null {
    const control = this.pollControl(now, this.#rto.rtoMs);
    if (control !== null || this.#status !== 'active') return control;
    if (!this.#validated) return this.sent(this.#probe.take(now), now);
    for (let offset = this.#flight.nextResend(); offset >= 0; offset = this.#flight.nextResend()) {
      if (offset < this.#base || this.#flight.sacked(offset)) continue;
      this.counters.retransmits++;
      return this.sent(this.#flight.send(offset, now), now);
    }
    // The persist probe: the next new packet past the zero window while fewer than N went past
    // it (the receiver takes them, its room being a soft bound), else the last acknowledged one.
    const probe = this.#probe.take(now);
    const past = probe !== null && this.#probe.pastWindow(this.#options.window);
    if (probe !== null) return this.sent((past ? this.#sendNew(now, true) : null) ?? probe, now);
    return this.sent(this.#sendNew(now, false), now);
  }

  #sendNew(now: number, pastWindow: boolean): Buffer | null {
    const next = this.#next;
    if (next > this.#finAt || (!pastWindow && next >= this.#base + this.#limit())) return null;
    // FIN follows every DATA: every byte was offered (and hashed, if START deferred the hash).
    if (next === this.#finAt) this.#flight.load(next, this.#digest.fin(this.id, this.#isn, next));
    else if (next >= this.#queue.filled) return null;
    this.#next++;
    return this.#flight.send(next, now);
  }

  abort(code: ErrorCode, message: string, now: number): void {
    this.#end(this.localFailure(code, message), now);
  }

  #end(failure: CoreFailure, now: number): void {
    if (this.#status !== 'active') return;
    this.#status = 'failed';
    this.end(failure, now, this.#token);
  }

  protected release(): void {
    this.#flight.clear();
  }
}
