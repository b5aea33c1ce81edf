import type { ErrorCode } from '../errors.ts';
import { AbortExchange, localFailure, RECEIVER_ABORT_SPACING_MS, remoteFailure } from './abort.ts';
import { AckSchedule } from './ack-schedule.ts';
import {
  type DataPacket,
  encodeAck,
  type FinPacket,
  MAX_WINDOW,
  type StartPacket,
  schemeOfCode,
  seqAdd,
  seqDiff,
} from './codec.ts';
import type {
  ArqReceiverCore,
  CoreFailure,
  CoreStatus,
  ReceiverInit,
  TransferAnnouncement,
} from './core.ts';
import { announce, hashProblem } from './file-digest.ts';
import { earliest, FinalAckRepeats } from './final-ack.ts';
import { checkTransferId, classify, schemeMisuse } from './inbound.ts';
import { payloadBytes, resolveTransferOptions, type TransferOptions } from './options.ts';
import { ReadyQueue } from './ready-queue.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

type State = 'waiting' | 'receiving' | 'done' | 'failed';
/**
 * Go-Back-N receiver core: takes the first START of its transfer (refusing another scheme with
 * UNSUPPORTED_ARQ), then only the next expected packet; acknowledges cumulatively with the token
 * echoed and the window it can take (from `setRoom`); checks size and SHA-256 at FIN before
 * acknowledging it (the final ACK repeated, final-ack.ts), re-acknowledges what comes again once
 * done. Gives up (ABORT) after `idleTimeoutMs` without a datagram of its transfer. */
export class GbnReceiverCore implements ArqReceiverCore {
  readonly scheme = 'gbn' as const;
  readonly #options: TransferOptions;
  readonly #transferId: number;
  readonly #acks: AckSchedule;
  readonly #abort: AbortExchange;
  readonly #ready = new ReadyQueue();
  readonly #finalAcks = new FinalAckRepeats();
  readonly #stats = new StatsRecorder();
  #state: State = 'waiting';
  #failure: CoreFailure | null = null;
  #announcement: TransferAnnouncement | null = null;
  #isn = 0;
  #token = 0n;
  /** Index (from START, 0) of the next packet expected. */
  #expected = 0;
  #room = Number.POSITIVE_INFINITY;
  #largestPayload = 0;
  #lastAdvertised = -1;
  #lastHeard: number;
  #heardAny = false;

  constructor(init: ReceiverInit) {
    checkTransferId(init.transferId);
    this.#options = resolveTransferOptions(init.options);
    if (this.#options.arq !== this.scheme) throw schemeMisuse('Go-Back-N', this.#options.arq);
    this.#transferId = init.transferId;
    this.#acks = new AckSchedule(this.#options.ack, this.#options.window);
    this.#abort = new AbortExchange(init.transferId);
    this.#lastHeard = init.now;
  }

  get status(): CoreStatus {
    const state = this.#state;
    return state === 'done' || state === 'failed' ? state : 'active';
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

  takeData(): Buffer | null {
    return this.#ready.take();
  }

  setRoom(bytes: number): void {
    this.#room = Math.max(0, bytes);
    if (this.#state === 'receiving' && this.#lastAdvertised === 0 && this.#advertised() > 0) {
      this.#acks.now(); // the window reopened: tell the sender at once
    }
  }

  pollTimeout(): number | null {
    if (this.#state === 'failed') return this.#abort.deadline;
    if (this.#state === 'done') return earliest(this.#acks.deadline, this.#finalAcks.deadline);
    const idleAt = this.#lastHeard + this.#options.idleTimeoutMs;
    const ackAt = this.#acks.deadline;
    return ackAt === null ? idleAt : Math.min(ackAt, idleAt);
  }

  handleTimeout(now: number): void {
    if (this.#state === 'done' && this.#finalAcks.due(now)) this.#acks.now();
    if (this.#state === 'done') this.#acks.onTimeout(now); // a straggler's delayed ACK
    if (this.status !== 'active') return;
    if (now >= this.#lastHeard + this.#options.idleTimeoutMs) {
      const message = `nothing from the sender for ${this.#options.idleTimeoutMs} ms`;
      this.#fail(localFailure('TRANSFER_TIMEOUT', message), now, this.#heardAny);
      return;
    }
    this.#acks.onTimeout(now);
  }

  abort(code: ErrorCode, message: string, now: number): void {
    // A done receiver too (core.ts): its driver could not commit the file.
    if (this.#state !== 'failed') this.#fail(localFailure(code, message), now, true);
  }

  pollTransmit(now: number): Buffer | null {
    let out = this.#abort.poll(now, RECEIVER_ABORT_SPACING_MS);
    if (
      out === null &&
      (this.#state === 'receiving' || this.#state === 'done') &&
      this.#acks.take()
    ) {
      const window = this.#advertised();
      this.#lastAdvertised = window;
      out = encodeAck(this.#transferId, seqAdd(this.#isn, this.#expected), this.#token, window);
    }
    if (out !== null) this.#stats.packetsSent++;
    return out;
  }

  handleDatagram(datagram: Buffer, now: number): void {
    const packet = classify(datagram, this.#transferId);
    const stats = this.#stats;
    switch (packet.kind) {
      case 'old-version':
        if (this.#state !== 'waiting' && this.#failure?.code !== 'UNSUPPORTED_VERSION') break;
        stats.packetsReceived++;
        this.#abort.oweOldVersion();
        if (this.#state === 'waiting') {
          this.#fail(
            localFailure('UNSUPPORTED_VERSION', 'the sender speaks version 1'),
            now,
            false,
          );
        }
        return;
      case 'abort':
        if (this.#announcement !== null && packet.token !== this.#token) break;
        stats.packetsReceived++;
        this.#abort.owe();
        this.#abort.stop();
        if (this.status === 'active') this.#fail(remoteFailure('sender', packet.code), now, false);
        return;
      case 'abort-ack':
        if (this.#abort.deadline === null) break;
        stats.packetsReceived++;
        this.#abort.stop();
        return;
      case 'start':
        if (this.#state === 'failed') break;
        if (this.#state === 'waiting') this.#onStart(packet, now);
        else if (packet.token === this.#token && packet.seq === this.#isn) {
          this.#heard(now);
          stats.duplicates++;
          this.#acks.now(); // our ACK of START was lost
        } else break;
        return;
      case 'data':
      case 'fin':
        if (this.#state === 'failed') break;
        this.#heard(now);
        if (this.#state === 'waiting')
          stats.outOfOrder++; // before START: no token to answer with
        else if (packet.kind === 'data') this.#onData(packet, now);
        else this.#onFin(packet, now);
        return;
    }
    stats.ignored++;
  }

  #heard(now: number): void {
    this.#stats.packetsReceived++;
    this.#lastHeard = now;
    this.#heardAny = true;
  }

  #onStart(start: StartPacket, now: number): void {
    this.#heard(now);
    this.#isn = start.seq;
    this.#token = start.token;
    this.#stats.startedAt = now;
    const scheme = schemeOfCode(start.scheme);
    if (scheme !== this.scheme) {
      const theirs = scheme ?? `unknown scheme ${start.scheme}`;
      const message = `the sender runs ${theirs}, this receiver runs ${this.scheme}`;
      this.#fail(localFailure('UNSUPPORTED_ARQ', message), now, true);
      return;
    }
    this.#announcement = announce(start, scheme);
    this.#state = 'receiving';
    this.#expected = 1;
    this.#acks.useSenderWindow(start.window);
    this.#acks.now();
  }

  /** The index of a sequence number, near the next expected one. */
  #indexOf(seq: number): number {
    return this.#expected + seqDiff(seq, seqAdd(this.#isn, this.#expected));
  }

  #onData(data: DataPacket, now: number): void {
    const index = this.#indexOf(data.seq);
    const stats = this.#stats;
    if (this.#state === 'done' || index < this.#expected) {
      stats.duplicates++;
      this.#acks.stray(now);
      if (this.#state === 'done') this.#finalAcks.begin(now); // our final ACK was lost
      return;
    }
    if (index > this.#expected) {
      stats.outOfOrder++; // Go-Back-N keeps only the next expected packet
      this.#acks.stray(now);
      return;
    }
    const payload = data.payload;
    if (stats.bytes + payload.length > this.#announcement!.fileSize) {
      this.#fail(
        localFailure('SIZE_MISMATCH', 'the sender sent more than the announced size'),
        now,
        true,
      );
      return;
    }
    if (payload.length > this.#largestPayload) this.#largestPayload = payload.length;
    this.#ready.push(payload);
    stats.bytes += payload.length;
    this.#expected++;
    this.#acks.inOrder(now);
  }

  #onFin(fin: FinPacket, now: number): void {
    const index = this.#indexOf(fin.seq);
    const stats = this.#stats;
    if (index !== this.#expected || this.#state === 'done') {
      if (index > this.#expected) stats.outOfOrder++;
      else stats.duplicates++;
      if (this.#state === 'done') this.#finalAcks.begin(now); // our final ACK was lost
      this.#acks.stray(now);
      return;
    }
    const expectedSize = this.#announcement!.fileSize;
    if (stats.bytes !== expectedSize) {
      const message = `received ${stats.bytes} bytes of ${expectedSize}`;
      this.#fail(localFailure('SIZE_MISMATCH', message), now, true);
      return;
    }
    const problem = hashProblem(this.#ready, this.#announcement!, fin.sha256);
    if (problem !== undefined) {
      this.#fail(localFailure('HASH_MISMATCH', problem), now, true);
      return;
    }
    this.#state = 'done';
    this.#expected++;
    stats.endedAt = now;
    this.#acks.now();
    this.#finalAcks.begin(now);
  }

  /** Packets past the cumulative point we can take: min(N, room / payload), room less what waits. */
  #advertised(): number {
    const n = Math.min(MAX_WINDOW, Math.max(1, this.#announcement?.window ?? this.#options.window));
    const payload = this.#largestPayload || payloadBytes(this.#options);
    const room = this.#room - this.#ready.bytes;
    return room >= n * payload ? n : Math.max(0, Math.floor(room / payload));
  }

  #fail(failure: CoreFailure, now: number, tell: boolean): void {
    this.#state = 'failed';
    this.#failure = failure;
    this.#stats.endedAt = now;
    this.#ready.clear();
    if (tell) this.#abort.begin(failure.code, this.#token, now);
  }
}
