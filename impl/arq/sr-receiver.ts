/**
 * Selective Repeat receiver core (no I/O): takes the first START of its transfer id (if it names
 * 'sr'), buffers up to W = min(own N, sender's N) packets past the cumulative point, delivers in
 * order (hashing it), acknowledges with the cumulative point, its advertised window and a SACK
 * bitmap of what it holds, and acknowledges FIN only once size and SHA-256 match.
 *
 * ACKs: at once for START, FIN, duplicates, strays and hole fills (RFC 5681 §4.2), else after
 * `ack.packets` or `ack.delayMs`, built when polled; the final one repeated (final-ack.ts). */
import type { ErrorCode } from '../errors.ts';
import { RECEIVER_ABORT_SPACING_MS, remoteFailure } from './abort.ts';
import { AckSchedule } from './ack-schedule.ts';
import { encodeAck, type Packet, schemeOfCode, seqAdd, seqDiff } from './codec.ts';
import type { ArqReceiverCore, CoreStatus, ReceiverInit, TransferAnnouncement } from './core.ts';
import { announce, hashProblem } from './file-digest.ts';
import { earliest, FinalAckRepeats } from './final-ack.ts';
import { checkTransferId, classify } from './inbound.ts';
import { payloadBytes, resolveTransferOptions, type TransferOptions } from './options.ts';
import { ReadyQueue } from './ready-queue.ts';
import { SrEndpoint } from './sr-endpoint.ts';
import { ReorderBuffer } from './sr-reorder.ts';
import type { TransferStats } from './stats.ts';

type Phase = 'waiting' | 'receiving' | 'done' | 'failed';
/** FIN held in the reorder buffer: a packet with no bytes. */
const FIN_MARK = Buffer.alloc(0);

export class SrReceiverCore extends SrEndpoint implements ArqReceiverCore {
  readonly #options: TransferOptions;
  readonly #payloadBytes: number;
  readonly #acks: AckSchedule;
  readonly #finalAcks = new FinalAckRepeats();
  #phase: Phase = 'waiting';
  #announcement: TransferAnnouncement | null = null;
  #isn = 0;
  #token = 0n;
  /** Packets past the cumulative point it buffers (and the most it advertises). */
  #span = 1;
  /** Offset from the ISN of the next packet expected (START is 0). */
  #cum = 0;
  /** Offset of FIN once it arrived ahead of data, else -1; its SHA-256 if it carries one. */
  #finAt = -1;
  #finHash: Buffer | undefined;
  #reorder = new ReorderBuffer(1);
  readonly #output = new ReadyQueue();
  /** What the driver last said it can buffer (setRoom); Infinity until it says. */
  #room = Number.POSITIVE_INFINITY;
  #advertised = -1;
  #lastHeard: number;

  constructor(init: ReceiverInit) {
    checkTransferId(init.transferId);
    super(init.transferId);
    this.#options = resolveTransferOptions(init.options);
    this.#payloadBytes = payloadBytes(this.#options);
    this.#acks = new AckSchedule(this.#options.ack, this.#options.window);
    this.#lastHeard = init.now;
  }

  get status(): CoreStatus {
    return this.#phase === 'failed' ? 'failed' : this.#phase === 'done' ? 'done' : 'active';
  }
  get announcement(): TransferAnnouncement | null {
    return this.#announcement;
  }

  stats(now: number): TransferStats {
    return this.counters.snapshot(now);
  }

  handleDatagram(datagram: Buffer, now: number): void {
    const packet = classify(datagram, this.id);
    const stats = this.counters;
    const waiting = this.#phase === 'waiting';
    if (
      packet.kind === 'foreign' ||
      packet.kind === 'ack' ||
      (packet.kind === 'old-version' && !waiting)
    ) {
      stats.ignored++;
    } else if (packet.kind === 'old-version') {
      stats.packetsReceived++;
      this.#fail('UNSUPPORTED_VERSION', 'the sender speaks datagram version 1', now, true);
    } else if (packet.kind === 'abort-ack') {
      this.abortAcknowledged();
    } else if (
      packet.kind === 'abort' &&
      this.#announcement !== null &&
      packet.token !== this.#token
    ) {
      stats.ignored++;
    } else if (packet.kind === 'abort') {
      stats.packetsReceived++;
      this.control.owe();
      if (waiting || this.#phase === 'receiving') {
        this.#phase = 'failed';
        this.end(remoteFailure('sender', packet.code), now, this.#token);
      }
    } else if (this.#phase === 'failed' || (packet.kind === 'start' && !this.#ownStart(packet))) {
      stats.ignored++; // counted once, as Go-Back-N does: not received as well
    } else {
      stats.packetsReceived++;
      this.#lastHeard = now;
      this.#onTransferPacket(packet, now);
    }
  }

  #onTransferPacket(
    packet: Extract<Packet, { kind: 'start' | 'data' | 'fin' }>,
    now: number,
  ): void {
    if (packet.kind === 'start') {
      if (this.#phase === 'waiting') this.#onStart(packet, now);
      else this.#repeat();
      return;
    }
    if (this.#phase === 'waiting') {
      this.counters.outOfOrder++; // data or FIN before START: nothing to acknowledge it with yet
      return;
    }
    if (this.#phase === 'done') {
      this.#repeat();
      this.#finalAcks.begin(now); // our final ACK was lost
      return;
    }
    this.#onPacket(seqDiff(packet.seq, seqAdd(this.#isn, this.#cum)), packet, now);
  }

  /** Any START before one was taken; after that, only a repeat of that one. */
  #ownStart(start: Extract<Packet, { kind: 'start' }>): boolean {
    return this.#phase === 'waiting' || (start.seq === this.#isn && start.token === this.#token);
  }

  #onStart(start: Extract<Packet, { kind: 'start' }>, now: number): void {
    this.#token = start.token;
    const scheme = schemeOfCode(start.scheme);
    if (scheme !== 'sr') {
      const named = scheme ?? `unknown scheme ${start.scheme}`;
      this.#fail('UNSUPPORTED_ARQ', `the sender runs ${named}, this receiver sr`, now, true);
      return;
    }
    this.#isn = start.seq;
    this.#cum = 1;
    const window = this.#options.window;
    this.#span = start.window > 0 ? Math.min(window, start.window) : window;
    this.#acks.useSenderWindow(this.#span);
    this.#reorder = new ReorderBuffer(this.#span);
    this.#announcement = announce(start, scheme);
    this.#phase = 'receiving';
    this.counters.startedAt = now;
    this.#acks.now();
  }

  /** A DATA or FIN `ahead` packets past the cumulative point. */
  #onPacket(ahead: number, packet: Extract<Packet, { kind: 'data' | 'fin' }>, now: number): void {
    const offset = this.#cum + ahead;
    if (ahead < 0) {
      this.#repeat();
      return;
    }
    if (ahead >= this.#span || (this.#finAt >= 0 && offset > this.#finAt)) {
      this.counters.outOfOrder++; // past what it may buffer: dropped, the sender sends it again
      this.#acks.now();
      return;
    }
    if (ahead > 0) {
      if (this.#reorder.has(offset)) {
        this.#repeat();
        return;
      }
      // Every packet out of order is acknowledged at once (Go-Back-N answers the first few
      // only): each one changes the SACK bitmap the sender recovers from.
      this.counters.outOfOrder++;
      if (packet.kind === 'fin') [this.#finAt, this.#finHash] = [offset, packet.sha256];
      // A copy: the datagram's buffer is the driver's, and this one may wait a while.
      this.#reorder.put(offset, packet.kind === 'fin' ? FIN_MARK : Buffer.from(packet.payload));
      this.#acks.now();
      return;
    }
    if (packet.kind === 'fin') {
      this.#finish(now, packet.sha256);
      return;
    }
    const filledHole = this.#reorder.count > 0;
    if (!this.#deliver(packet.payload, now)) return;
    for (let next = this.#reorder.take(this.#cum); next !== undefined; ) {
      if (next === FIN_MARK) {
        this.#finish(now, this.#finHash);
        return;
      }
      if (!this.#deliver(next, now)) return;
      next = this.#reorder.take(this.#cum);
    }
    if (filledHole) this.#acks.now();
    else this.#acks.inOrder(now);
  }

  #deliver(payload: Buffer, now: number): boolean {
    const stats = this.counters;
    const fileSize = this.#announcement!.fileSize;
    if (stats.bytes + payload.length > fileSize) {
      this.#fail('SIZE_MISMATCH', 'the sender sent more than the announced size', now, true);
      return false;
    }
    this.#output.push(payload);
    stats.bytes += payload.length;
    this.#cum++;
    return true;
  }

  #finish(now: number, finHash: Buffer | undefined): void {
    const announcement = this.#announcement!;
    const bytes = this.counters.bytes;
    if (bytes !== announcement.fileSize) {
      const message = `received ${bytes} bytes of ${announcement.fileSize}`;
      this.#fail('SIZE_MISMATCH', message, now, true);
      return;
    }
    const problem = hashProblem(this.#output, announcement, finHash);
    if (problem !== undefined) {
      this.#fail('HASH_MISMATCH', problem, now, true);
      return;
    }
    this.#cum++;
    this.#phase = 'done';
    this.counters.endedAt = now;
    this.#acks.now();
    this.#finalAcks.begin(now);
  }

  /** Something it already had: the ACK that answered it was probably lost. */
  #repeat(): void {
    this.counters.duplicates++;
    this.#acks.now();
  }

  handleTimeout(now: number): void {
    if (this.#phase === 'done' && this.#finalAcks.due(now)) this.#acks.now();
    this.#acks.onTimeout(now);
    const idle = this.#idleDeadline();
    if (idle !== null && now >= idle) {
      const message = `nothing from the sender for ${this.#options.idleTimeoutMs} ms`;
      this.#fail('TRANSFER_TIMEOUT', message, now, true);
    }
  }

  pollTimeout(): number | null {
    if (this.#phase === 'failed') return this.abortDeadline();
    return earliest(this.#idleDeadline(), this.#acks.deadline, this.#finalAcks.deadline);
  }

  #idleDeadline(): number | null {
    const active = this.#phase === 'waiting' || this.#phase === 'receiving';
    return active ? this.#lastHeard + this.#options.idleTimeoutMs : null;
  }

  pollTransmit(now: number): Buffer | null {
    const control = this.pollControl(now, RECEIVER_ABORT_SPACING_MS);
    if (control !== null) return control;
    if (this.#phase === 'waiting' || this.#phase === 'failed' || !this.#acks.take()) return null;
    this.#advertised = this.#window();
    const cumSeq = seqAdd(this.#isn, this.#cum);
    const sack = this.#reorder.bitmap(this.#cum); // empty when nothing is held: no SACK field
    return this.sent(encodeAck(this.id, cumSeq, this.#token, this.#advertised, sack), now);
  }

  /** min(W, (room - bytes not yet taken) / payload), as Go-Back-N advertises. */
  #window(): number {
    const fit = Math.floor(Math.max(0, this.#room - this.#output.bytes) / this.#payloadBytes);
    return Math.min(this.#span, fit);
  }

  takeData(): Buffer | null {
    return this.#output.take();
  }

  setRoom(bytes: number): void {
    this.#room = bytes;
    // After a zero advertisement the sender only probes: tell it at once that room opened.
    if (this.#advertised === 0 && this.#phase === 'receiving' && this.#window() > 0) {
      this.#acks.now();
    }
  }

  abort(code: ErrorCode, message: string, now: number): void {
    this.#fail(code, message, now, true); // a done receiver too (core.ts): no commit
  }

  #fail(code: ErrorCode, message: string, now: number, notify: boolean): void {
    if (this.#phase === 'failed') return;
    this.#phase = 'failed';
    this.end(this.localFailure(code, message), now, this.#token, notify);
  }

  protected release(): void {
    this.#reorder.clear();
    this.#output.clear();
  }
}
