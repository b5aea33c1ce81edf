import type { ErrorCode } from '../errors.ts';
import { AbortExchange, localFailure, remoteFailure } from './abort.ts';
import { DUP_ACK_THRESHOLD } from './ack-schedule.ts';
import { type AckPacket, seqAdd, seqDiff } from './codec.ts';
import { EffectiveWindow } from './congestion.ts';
import type { ArqSenderCore, CoreFailure, CoreStatus, SenderInit } from './core.ts';
import { SenderDigest } from './file-digest.ts';
import { checkSenderInit, classify, schemeMisuse } from './inbound.ts';
import { payloadBytes, resolveTransferOptions, type TransferOptions } from './options.ts';
import { RetransmitState } from './retransmit.ts';
import { SendBuffer } from './send-buffer.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

/**
 * Go-Back-N sender core: START until the receiver echoes the token (address validation), then
 * DATA and FIN within min(N, congestion window, advertised window) packets past the cumulative
 * ACK; one retransmission timer for the oldest packet, going back to it on timeout (RTO backoff)
 * or after 3 duplicate ACKs (at most once per window); ABORT after `maxRetries` timeouts in a row.
 * Indices count from START (0); the wire sequence is ISN + index modulo 2^32.
 */
export class GbnSenderCore implements ArqSenderCore {
  readonly scheme = 'gbn' as const;
  readonly #options: TransferOptions;
  readonly #transferId: number;
  readonly #isn: number;
  readonly #token: bigint;
  readonly #buffer: SendBuffer;
  readonly #digest: SenderDigest;
  readonly #total: number;
  readonly #timer: RetransmitState;
  readonly #window: EffectiveWindow;
  readonly #abort: AbortExchange;
  readonly #stats = new StatsRecorder();
  #status: CoreStatus = 'active';
  #failure: CoreFailure | null = null;
  #validated = false;
  /** Oldest unacknowledged index. */
  #base = 0;
  /** Next index to send (moves back to #base when going back). */
  #next = 0;
  /** One past the highest index ever sent: packets below it are retransmissions. */
  #highest = 0;
  /** The receiver's latest advertised window (N until it says otherwise). */
  #advertised: number;
  #dupAcks = 0;
  /** No new fast retransmit until the base passes this (NewReno's recovery point). */
  #recover = -1;
  /** After a timeout or loss: the oldest packet goes out even if the window is closed. */
  #forceOne = false;

  constructor(init: SenderInit) {
    checkSenderInit(init);
    this.#options = resolveTransferOptions(init.options);
    if (this.#options.arq !== this.scheme) throw schemeMisuse('Go-Back-N', this.#options.arq);
    this.#transferId = init.transferId;
    this.#isn = init.isn;
    this.#token = init.token;
    const window = this.#options.window;
    this.#digest = new SenderDigest(init.sha256);
    this.#buffer = new SendBuffer({
      ...init,
      digest: this.#digest,
      window,
      scheme: this.scheme,
      payload: payloadBytes(this.#options),
    });
    this.#total = this.#buffer.total;
    this.#timer = new RetransmitState(this.#options.rto, this.#options.maxRetries);
    this.#window = new EffectiveWindow(window, this.#options.congestion);
    this.#abort = new AbortExchange(init.transferId);
    this.#advertised = window;
    this.#stats.startedAt = init.now;
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

  get sha256(): Uint8Array | undefined {
    return this.#digest.sha256;
  }

  stats(now: number): TransferStats {
    const stats = this.#stats;
    stats.srttMs = this.#timer.rto.srttMs;
    stats.rtoMs = this.#timer.rto.rtoMs;
    stats.windowNow = this.#window.size;
    stats.windowMin = this.#window.smallest;
    return stats.snapshot(now);
  }

  dataWanted(): number {
    if (this.#status !== 'active' || !this.#validated) return 0;
    return this.#buffer.bytesWanted(this.#base + this.#limit() + 1);
  }

  offerData(chunk: Buffer): void {
    this.#buffer.offer(chunk);
  }

  pollTimeout(): number | null {
    return this.#status === 'active' ? this.#timer.deadline : this.#abort.deadline;
  }

  handleTimeout(now: number): void {
    if (this.#status !== 'active' || !this.#timer.expired(now)) return;
    this.#stats.timeouts++;
    // Nothing outstanding: the timer was the persist timer of a closed window (no loss).
    const persist = this.#base === this.#next;
    const rtoMs = this.#timer.rto.rtoMs;
    if (!this.#timer.onTimeout()) {
      const tries = this.#timer.timeoutsInARow;
      this.#fail(
        localFailure(
          'TRANSFER_TIMEOUT',
          `no acknowledgement after ${tries} timeouts (last ${rtoMs} ms)`,
        ),
        now,
        true,
      );
      return;
    }
    if (persist) this.#forceOne = true;
    else this.#goBack(now);
    this.#armPersist(now);
  }

  abort(code: ErrorCode, message: string, now: number): void {
    if (this.#status === 'active') this.#fail(localFailure(code, message), now, true);
  }

  pollTransmit(now: number): Buffer | null {
    const control = this.#abort.poll(now, this.#timer.rto.rtoMs);
    if (control !== null) {
      this.#stats.packetsSent++;
      return control;
    }
    if (this.#status !== 'active' || this.#next >= this.#total) return null;
    if (this.#next - this.#base >= this.#limit()) return null;
    const index = this.#next;
    let packet: Buffer | null;
    if (index < this.#highest) {
      packet = this.#buffer.get(index);
      this.#stats.retransmits++;
    } else {
      packet = this.#buffer.buildNext();
      if (packet === null) return null; // waiting for offerData
      // RTT samples come from DATA only: START and FIN are a few bytes, and on a slow path their
      // round trip is far shorter than a full packet's (the RTO would fire early).
      if (index > 0 && index < this.#total - 1) this.#timer.probe.sent(index, now);
      this.#highest = index + 1;
    }
    if (index === this.#base) {
      this.#timer.restart(now);
      this.#forceOne = false;
    }
    this.#next = index + 1;
    this.#stats.packetsSent++;
    return packet;
  }

  handleDatagram(datagram: Buffer, now: number): void {
    const packet = classify(datagram, this.#transferId);
    const stats = this.#stats;
    if (packet.kind === 'ack' && this.#status === 'active' && packet.token === this.#token) {
      stats.packetsReceived++;
      this.#onAck(packet, now);
    } else if (packet.kind === 'abort' && (!this.#validated || packet.token === this.#token)) {
      stats.packetsReceived++;
      this.#abort.owe();
      this.#abort.stop();
      if (this.#status === 'active') this.#fail(remoteFailure('receiver', packet.code), now, false);
    } else if (packet.kind === 'abort-ack' && this.#abort.deadline !== null) {
      stats.packetsReceived++;
      this.#abort.stop();
    } else {
      stats.ignored++;
    }
  }

  /** Packets that may be outstanding past the cumulative point now. */
  #limit(): number {
    if (!this.#validated) return 1;
    const open = Math.min(this.#options.window, this.#window.size, this.#advertised);
    return this.#forceOne ? Math.max(1, open) : open;
  }

  #onAck(ack: AckPacket, now: number): void {
    const base = this.#base;
    const index = base + seqDiff(ack.seq, seqAdd(this.#isn, base));
    if (index < base || index > this.#highest) {
      this.#stats.duplicates++; // older than the cumulative point, or beyond anything sent
      return;
    }
    const windowChanged = ack.window !== this.#advertised;
    this.#advertised = ack.window;
    if (index === base) {
      this.#stats.duplicates++;
      // A window update is not a sign of loss (RFC 5681's duplicate ACK definition).
      if (!windowChanged && base < this.#highest) this.#onDuplicateAck(now);
      else if (base === this.#next && this.#limit() > 0) this.#timer.stop();
      this.#armPersist(now);
      return;
    }
    this.#validated = true;
    this.#dupAcks = 0;
    this.#window.onAcked(index - base);
    if (index > this.#next) this.#next = index; // sent before going back, acknowledged since
    this.#buffer.release(base, index);
    this.#timer.probe.acked(index, now);
    this.#timer.progressed();
    this.#base = index;
    this.#stats.bytes = this.#buffer.bytesBelow(index);
    if (index === this.#total) {
      this.#finish(now);
      return;
    }
    if (index < this.#next) this.#timer.restart(now);
    else this.#timer.stop();
    this.#armPersist(now);
  }

  /** Three duplicate ACKs: the packet at the base is lost; go back now, once per window. */
  #onDuplicateAck(now: number): void {
    if (!this.#options.fastRetransmit || this.#base <= this.#recover) return;
    if (++this.#dupAcks < this.#dupThreshold()) return;
    this.#stats.fastRetransmits++;
    this.#goBack(now);
  }

  /**
   * 3, or fewer when fewer packets follow the oldest and no more may be sent (RFC 5827's early
   * retransmit): a duplicate ACK from each of them is all the evidence there will be, and waiting
   * for a third would leave every loss near the end of a small window to the timeout.
   */
  #dupThreshold(): number {
    const behind = this.#highest - this.#base - 1;
    const full = this.#next >= this.#total || this.#next - this.#base >= this.#limit();
    return full ? Math.max(1, Math.min(DUP_ACK_THRESHOLD, behind)) : DUP_ACK_THRESHOLD;
  }

  /**
   * A loss was detected: shrink the window in use (aimd), let duplicate ACKs of what is still in
   * flight pass without a new fast retransmit, and send again from the oldest unacknowledged one.
   */
  #goBack(now: number): void {
    this.#window.onLoss();
    this.#recover = this.#highest - 1;
    this.#dupAcks = 0;
    this.#timer.probe.cancel();
    this.#next = this.#base;
    this.#forceOne = true;
    this.#timer.restart(now);
  }

  /** A closed window with nothing in flight keeps the timer running: its expiry is the probe. */
  #armPersist(now: number): void {
    if (this.#validated && this.#base === this.#next && this.#limit() === 0)
      this.#timer.ensure(now);
  }

  #finish(now: number): void {
    this.#status = 'done';
    this.#stats.endedAt = now;
    this.#timer.stop();
    this.#buffer.clear();
  }

  #fail(failure: CoreFailure, now: number, tell: boolean): void {
    this.#status = 'failed';
    this.#failure = failure;
    this.#stats.endedAt = now;
    this.#timer.stop();
    this.#buffer.clear();
    if (tell) this.#abort.begin(failure.code, this.#token, now);
  }
}
