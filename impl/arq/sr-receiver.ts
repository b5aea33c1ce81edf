/**
 * Selective Repeat receiver core (RFC-style, no I/O): accepts the first START for its transfer id
 * (if it announces the 'sr' scheme), buffers up to W packets past the cumulative point (W: the
 * smaller of its own window and the sender's), delivers in order, and acknowledges with the
 * cumulative point, its advertised window and a SACK bitmap of what it holds past that point.
 * It hashes what it delivers and acknowledges FIN only once size and SHA-256 match.
 *
 * ACK timing: at once for START, FIN, a duplicate, an out-of-order packet and a packet that fills
 * a hole (RFC 5681 §4.2); otherwise after `ack.packets` in-order packets or `ack.delayMs`. The ACK
 * is built when the driver polls, so a burst of datagrams costs one ACK carrying the latest state.
 */
import type { ErrorCode } from '../errors.ts';
import { type Packet, type Scheme, schemeOfCode, seqAdd, seqDiff } from './codec.ts';
import type { ArqReceiverCore, CoreFailure, CoreStatus, TransferAnnouncement } from './core.ts';
import {
  payloadBytes,
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { AbortRepeater, RECEIVER_ABORT_INTERVAL_MS, remoteFailure } from './sr-abort.ts';
import { AckSchedule } from './sr-ack-schedule.ts';
import { Replies, readIncoming } from './sr-inbox.ts';
import { InOrderOutput } from './sr-output.ts';
import { ReorderBuffer } from './sr-reorder.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

export interface SrReceiverInit {
  transferId: number;
  options?: TransferOptionsInput;
  now: number;
}

type Phase = 'waiting' | 'receiving' | 'done' | 'failed';

/** FIN held in the reorder buffer: a packet with no bytes. */
const FIN_MARK = Buffer.alloc(0);

export class SrReceiverCore implements ArqReceiverCore {
  readonly scheme: Scheme = 'sr';
  readonly #id: number;
  readonly #options: TransferOptions;
  readonly #payloadBytes: number;
  readonly #stats = new StatsRecorder();
  readonly #replies: Replies;
  readonly #acks: AckSchedule;
  #phase: Phase = 'waiting';
  #failure: CoreFailure | null = null;
  #announcement: TransferAnnouncement | null = null;
  #isn = 0;
  #token = 0n;
  /** Packets past the cumulative point it buffers (and the most it advertises). */
  #span = 1;
  /** Offset from the ISN of the next packet expected (START is 0). */
  #cum = 0;
  /** Offset of FIN once it arrived ahead of data, else -1. */
  #finAt = -1;
  #reorder = new ReorderBuffer(1);
  readonly #output = new InOrderOutput();
  #advertised = -1;
  #lastHeard: number;
  #aborting: AbortRepeater | null = null;

  constructor(init: SrReceiverInit) {
    this.#id = init.transferId >>> 0;
    this.#options = resolveTransferOptions(init.options);
    this.#payloadBytes = payloadBytes(this.#options);
    this.#replies = new Replies(this.#id);
    this.#acks = new AckSchedule(this.#options.ack.delayMs);
    this.#lastHeard = init.now;
  }

  get status(): CoreStatus {
    return this.#phase === 'failed' ? 'failed' : this.#phase === 'done' ? 'done' : 'active';
  }
  get failure(): CoreFailure | null {
    return this.#failure;
  }
  get announcement(): TransferAnnouncement | null {
    return this.#announcement;
  }

  stats(now: number): TransferStats {
    return this.#stats.snapshot(now);
  }

  handleDatagram(datagram: Buffer, now: number): void {
    const incoming = readIncoming(datagram, this.#id);
    if (incoming === null) {
      this.#stats.ignored++;
      return;
    }
    if (incoming.kind === 'old-version' && this.#phase === 'waiting') {
      this.#stats.packetsReceived++;
      this.#fail('UNSUPPORTED_VERSION', 'the sender speaks datagram version 1', now, false);
      return;
    }
    if (incoming.kind === 'old-version') this.#stats.ignored++;
    else this.#handle(incoming, now);
  }

  #handle(packet: Packet, now: number): void {
    const stats = this.#stats;
    if (packet.kind === 'ack') {
      stats.ignored++;
      return;
    }
    if (packet.kind === 'abort') {
      if (this.#announcement !== null && packet.token !== this.#token) {
        stats.ignored++;
        return;
      }
      stats.packetsReceived++;
      this.#replies.oweAbortAck();
      if (this.#phase === 'waiting' || this.#phase === 'receiving') {
        this.#end(remoteFailure('sender', packet.code), now);
      }
      return;
    }
    if (packet.kind === 'abort-ack') {
      stats.packetsReceived++;
      this.#aborting?.acknowledge();
      return;
    }
    if (this.#phase === 'failed') {
      stats.ignored++;
      return;
    }
    stats.packetsReceived++;
    this.#lastHeard = now;
    if (packet.kind === 'start') {
      if (this.#phase === 'waiting') this.#onStart(packet, now);
      else if (packet.seq === this.#isn && packet.token === this.#token) this.#repeat();
      else stats.ignored++;
      return;
    }
    if (this.#phase === 'waiting') {
      stats.outOfOrder++; // data or FIN before START: nothing to acknowledge it with yet
      return;
    }
    if (this.#phase === 'done') {
      this.#repeat();
      return;
    }
    this.#onPacket(seqDiff(packet.seq, seqAdd(this.#isn, this.#cum)), packet, now);
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
    this.#acks.every = Math.min(this.#options.ack.packets, Math.max(1, this.#span >> 1));
    this.#reorder = new ReorderBuffer(this.#span);
    this.#announcement = {
      fileSize: start.fileSize,
      sha256: start.sha256,
      window: start.window,
      scheme,
    };
    this.#phase = 'receiving';
    this.#stats.startedAt = now;
    this.#acks.urgent();
  }

  /** A DATA or FIN `ahead` packets past the cumulative point. */
  #onPacket(ahead: number, packet: Extract<Packet, { kind: 'data' | 'fin' }>, now: number): void {
    const offset = this.#cum + ahead;
    if (ahead < 0) {
      this.#repeat();
      return;
    }
    if (ahead >= this.#span || (this.#finAt >= 0 && offset > this.#finAt)) {
      this.#stats.outOfOrder++; // past what it may buffer: dropped, the sender sends it again
      this.#acks.urgent();
      return;
    }
    if (ahead > 0) {
      if (this.#reorder.has(offset)) {
        this.#repeat();
        return;
      }
      this.#stats.outOfOrder++;
      if (packet.kind === 'fin') this.#finAt = offset;
      // A copy: the datagram's buffer is the driver's, and this one may wait a while.
      this.#reorder.put(offset, packet.kind === 'fin' ? FIN_MARK : Buffer.from(packet.payload));
      this.#acks.urgent();
      return;
    }
    if (packet.kind === 'fin') {
      this.#finish(now);
      return;
    }
    const filledHole = this.#reorder.count > 0;
    if (!this.#deliver(packet.payload, now)) return;
    for (let next = this.#reorder.take(this.#cum); next !== undefined; ) {
      if (next === FIN_MARK) {
        this.#finish(now);
        return;
      }
      if (!this.#deliver(next, now)) return;
      next = this.#reorder.take(this.#cum);
    }
    if (filledHole) this.#acks.urgent();
    else this.#acks.inOrder(now);
  }

  #deliver(payload: Buffer, now: number): boolean {
    const stats = this.#stats;
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

  #finish(now: number): void {
    const announcement = this.#announcement!;
    const bytes = this.#stats.bytes;
    if (bytes !== announcement.fileSize) {
      const message = `received ${bytes} bytes of ${announcement.fileSize}`;
      this.#fail('SIZE_MISMATCH', message, now, true);
      return;
    }
    if (!this.#output.matches(announcement.sha256)) {
      this.#fail('HASH_MISMATCH', 'the file does not match its SHA-256', now, true);
      return;
    }
    this.#cum++;
    this.#phase = 'done';
    this.#stats.endedAt = now;
    this.#acks.urgent();
  }

  /** Something it already had: the ACK that answered it was probably lost. */
  #repeat(): void {
    this.#stats.duplicates++;
    this.#acks.urgent();
  }

  handleTimeout(now: number): void {
    this.#acks.handleTimeout(now);
    const idle = this.#idleDeadline();
    if (idle !== null && now >= idle) {
      const message = `nothing from the sender for ${this.#options.idleTimeoutMs} ms`;
      this.#fail('TRANSFER_TIMEOUT', message, now, true);
    }
  }

  pollTimeout(): number | null {
    if (this.#phase === 'failed') return this.#aborting?.deadline() ?? null;
    const idle = this.#idleDeadline();
    const ack = this.#acks.deadline();
    return ack === null || idle === null ? (ack ?? idle) : Math.min(idle, ack);
  }

  #idleDeadline(): number | null {
    const active = this.#phase === 'waiting' || this.#phase === 'receiving';
    return active ? this.#lastHeard + this.#options.idleTimeoutMs : null;
  }

  pollTransmit(now: number): Buffer | null {
    const reply = this.#replies.poll() ?? this.#aborting?.poll(now, RECEIVER_ABORT_INTERVAL_MS);
    if (reply != null) {
      this.#stats.packetsSent++;
      return reply;
    }
    if (this.#phase === 'waiting' || this.#phase === 'failed' || !this.#acks.take()) return null;
    this.#advertised = this.#window();
    this.#stats.packetsSent++;
    const cumSeq = seqAdd(this.#isn, this.#cum);
    return this.#replies.ack(
      cumSeq,
      this.#token,
      this.#advertised,
      this.#reorder.bitmap(this.#cum),
    );
  }

  /** min(W, room / payload): what it can take past the cumulative point now. */
  #window(): number {
    const fit = Math.floor(Math.max(0, this.#output.room) / this.#payloadBytes);
    return Math.min(this.#span, fit);
  }

  takeData(): Buffer | null {
    return this.#output.take();
  }

  setRoom(bytes: number): void {
    this.#output.room = bytes;
    // After a zero advertisement the sender only probes: tell it at once that room opened.
    if (this.#advertised === 0 && this.#phase === 'receiving' && this.#window() > 0) {
      this.#acks.urgent();
    }
  }

  abort(code: ErrorCode, message: string, now: number): void {
    if (this.#phase === 'waiting' || this.#phase === 'receiving')
      this.#fail(code, message, now, true);
  }

  #fail(code: ErrorCode, message: string, now: number, notify: boolean): void {
    if (this.#phase === 'failed' || this.#phase === 'done') return;
    this.#end({ code, message, remote: false }, now);
    if (code === 'UNSUPPORTED_VERSION') this.#replies.oweOldVersionAbort();
    else if (notify) this.#aborting = new AbortRepeater(this.#id, code, this.#token, now);
  }

  #end(failure: CoreFailure, now: number): void {
    this.#phase = 'failed';
    this.#failure = failure;
    this.#stats.endedAt = now;
    this.#reorder.clear();
    this.#output.clear();
  }
}
