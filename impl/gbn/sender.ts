import { isWhohasError, WhohasError } from '../errors.ts';
import type {
  AddressInfo,
  Clock,
  DatagramSocket,
  FileReader,
  Platform,
  RemoteInfo,
  SystemError,
  TimerHandle,
} from '../platform/types.ts';
import {
  decodePacket,
  encodeAbort,
  encodeFin,
  encodeStart,
  HEADER_BYTES,
  PacketType,
  SHA256_BYTES,
  sealPacket,
} from './codec.ts';
import { EffectiveWindow } from './congestion.ts';
import { sha256OfFile } from './files.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { ReadAhead } from './read-ahead.ts';
import { RtoEstimator } from './rto.ts';
import {
  checkTransferId,
  closeQuietly,
  DUP_ACK_THRESHOLD,
  ioError,
  isTransientSocketError,
  remoteAbortError,
  socketBufferFor,
} from './shared.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

export interface GbnSenderInit {
  platform: Platform;
  /** A bound datagram socket; the sender owns it from now on and closes it when done. */
  socket: DatagramSocket;
  peer: AddressInfo;
  transferId: number;
  /** The file to send; the sender closes it when done. */
  file: FileReader;
  /** SHA-256 of the file if known; otherwise computed in a streaming pre-pass. */
  sha256?: Uint8Array;
  options?: TransferOptionsInput;
}

const MAX_SEQUENCE = 0xffff_ffff;
/**
 * Go-Back-N sender: START (size, SHA-256), DATA 1..n, FIN n+1 in one window of N packets,
 * cumulative ACKs, one retransmission timer for the oldest packet, going back to it on timeout
 * (or after 3 duplicate ACKs), and a clear abort after `maxRetries` timeouts without progress.
 * Only START goes out until the receiver acknowledges it, so a forged getfile address gets a few
 * START packets, never a window of data. With `congestion: 'aimd'` the window in use shrinks on
 * loss and grows back to N (see options.ts).
 */
export class GbnSender {
  readonly done: Promise<TransferStats>;
  readonly #clock: Clock;
  readonly #socket: DatagramSocket;
  readonly #peer: AddressInfo;
  readonly #transferId: number;
  readonly #file: FileReader;
  readonly #options: TransferOptions;
  readonly #payload: number;
  /** Sequence numbers 0..total-1: START, the data packets, FIN. */
  readonly #total: number;
  readonly #windowSize: number;
  /** The unacknowledged packets, by sequence number modulo the window. */
  readonly #inFlight: (Buffer | undefined)[];
  /** Packet buffers, allocated as the window first fills and reused after. */
  readonly #slots: (Buffer | undefined)[];
  readonly #rto: RtoEstimator;
  readonly #stats = new StatsRecorder();
  #resolve!: (stats: TransferStats) => void;
  #reject!: (error: WhohasError) => void;
  #finished = false;
  #sha256: Uint8Array | undefined;
  #base = 0;
  /** Next sequence number to send (moves back to #base when going back). */
  #next = 0;
  /** One past the highest sequence number ever sent: packets below it are retransmissions. */
  #highest = 0;
  /** The window in use, 1..N. */
  readonly #window: EffectiveWindow;
  #dupAcks = 0;
  /** No new fast retransmit until the base passes this (NewReno's recovery point). */
  #recover = -1;
  #timer: TimerHandle | undefined;
  #deadline = 0;
  /** When the armed timer fires (it may be earlier than #deadline, never later). */
  #timerAt = 0;
  #consecutiveTimeouts = 0;
  #sampleSeq = -1;
  #sampleSentAt = 0;
  readonly #reader: ReadAhead;

  constructor(init: GbnSenderInit) {
    checkTransferId(init.transferId);
    if (init.sha256 !== undefined && init.sha256.length !== SHA256_BYTES) {
      throw new WhohasError('BAD_ARGUMENT', 'sha256 must be 32 bytes');
    }
    this.#options = resolveTransferOptions(init.options);
    this.#clock = init.platform.clock;
    this.#socket = init.socket;
    this.#peer = { address: init.peer.address, port: init.peer.port };
    this.#transferId = init.transferId;
    this.#file = init.file;
    this.#sha256 = init.sha256;
    this.#payload = this.#options.packetSize - HEADER_BYTES;
    const readChunk =
      Math.max(1, Math.floor(this.#options.readChunkBytes / this.#payload)) * this.#payload;
    this.#reader = new ReadAhead(init.file, readChunk, () => this.#pump(), this.#onReadError);

    this.#total = Math.ceil(init.file.size / this.#payload) + 2;
    if (this.#total > MAX_SEQUENCE) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        'file too large for 32-bit sequence numbers at this packet size',
      );
    }
    this.#windowSize = this.#options.window;
    this.#window = new EffectiveWindow(this.#windowSize, this.#options.congestion);
    try {
      this.#socket.setSendBufferSize(socketBufferFor(this.#windowSize, this.#options.packetSize));
    } catch {
      // Best effort: the OS may refuse or cap it; the window then adapts to the loss.
    }
    this.#inFlight = new Array(Math.min(this.#windowSize, this.#total));
    this.#slots = new Array(this.#inFlight.length);
    this.#rto = new RtoEstimator(this.#options.rto);
    this.done = new Promise<TransferStats>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    this.#socket.on('message', this.#onMessage);
    this.#socket.on('error', this.#onSocketError);
    this.#socket.on('close', this.#onSocketClose);
    this.#begin();
  }

  /** Live statistics (a frozen snapshot). */
  get stats(): TransferStats {
    this.#stats.srttMs = this.#rto.srttMs;
    this.#stats.rtoMs = this.#rto.rtoMs;
    this.#stats.windowNow = this.#window.size;
    this.#stats.windowMin = this.#window.smallest;
    return this.#stats.snapshot(this.#clock.now());
  }

  /** Gives up: tells the receiver (ABORT) and rejects `done` with TRANSFER_ABORTED. */
  abort(reason: string): void {
    this.#fail(
      new WhohasError('TRANSFER_ABORTED', `transfer aborted: ${reason}`),
      'TRANSFER_ABORTED',
    );
  }

  async #begin(): Promise<void> {
    try {
      this.#sha256 ??= await sha256OfFile(this.#file);
    } catch (error) {
      this.#fail(ioError('cannot hash the file', error), 'IO_ERROR');
      return;
    }
    if (this.#finished) return;
    this.#stats.startedAt = this.#clock.now();
    this.#pump();
  }

  /**
   * Sends packets while the window in use has room: again those already sent once (after going
   * back), then new ones as the file data comes to hand. Until START is acknowledged the window
   * is one packet.
   */
  #pump(): void {
    const windowSize = this.#windowSize;
    const limit = this.#base === 0 ? 1 : this.#window.size;
    while (!this.#finished && this.#next < this.#total && this.#next - this.#base < limit) {
      const seq = this.#next;
      let packet: Buffer | undefined;
      if (seq < this.#highest) {
        packet = this.#inFlight[seq % windowSize]!;
        this.#stats.retransmits++;
      } else {
        packet = this.#build(seq);
        if (packet === undefined) return; // the read completion pumps again
        this.#inFlight[seq % windowSize] = packet;
        if (this.#sampleSeq < 0) {
          this.#sampleSeq = seq;
          this.#sampleSentAt = this.#clock.now();
        }
        this.#highest = seq + 1;
      }
      if (this.#base === seq) this.#restartTimer();
      this.#next = seq + 1;
      this.#transmit(packet);
    }
  }

  /**
   * A loss was detected: shrink the window in use (aimd), let duplicate ACKs of what is still in
   * flight pass without a new fast retransmit, and send again from the oldest unacknowledged one.
   */
  #goBack(): void {
    this.#window.onLoss();
    this.#recover = this.#highest - 1;
    this.#dupAcks = 0;
    this.#sampleSeq = -1; // Karn: no RTT sample from a retransmitted packet
    this.#next = this.#base;
    this.#restartTimer();
    this.#pump();
  }

  #build(seq: number): Buffer | undefined {
    if (seq === 0) {
      return encodeStart(this.#transferId, this.#file.size, this.#sha256!, this.#windowSize);
    }
    if (seq === this.#total - 1) return encodeFin(this.#transferId, seq);
    const position = (seq - 1) * this.#payload;
    const length = Math.min(this.#payload, this.#file.size - position);
    // Each window slot owns one buffer, reused once its packet is acknowledged: no garbage per
    // packet. The simulator copies on send; node:dgram hands the bytes to the kernel before any
    // ACK can be processed (a send libuv had to queue would at worst carry a newer, equally
    // valid packet of this transfer).
    const index = seq % this.#windowSize;
    let slot = this.#slots[index];
    if (slot === undefined) {
      slot = Buffer.allocUnsafeSlow(HEADER_BYTES + this.#payload);
      this.#slots[index] = slot;
    }
    if (!this.#reader.copy(slot, HEADER_BYTES, position, length)) return undefined;
    return sealPacket(slot, PacketType.DATA, this.#transferId, seq, length);
  }

  #onReadError = (error: unknown): void => {
    const failure = isWhohasError(error) ? error : ioError('cannot read the file', error);
    this.#fail(failure, 'IO_ERROR');
  };

  #transmit(packet: Buffer): void {
    this.#stats.packetsSent++;
    this.#socket.send(packet, this.#peer.port, this.#peer.address);
  }

  #restartTimer(): void {
    const now = this.#clock.now();
    const rto = this.#rto.rtoMs;
    this.#deadline = now + rto;
    // One timer, re-armed lazily: moving the deadline later costs nothing per packet. A deadline
    // earlier than the armed timer (the RTO shrank) needs the timer moved, or a loss would wait
    // for the old, longer timeout.
    if (this.#timer !== undefined && this.#deadline < this.#timerAt) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#timer === undefined) {
      this.#timerAt = this.#deadline;
      this.#timer = this.#clock.setTimeout(this.#onTimer, rto);
    }
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#finished || this.#base === this.#next) return;
    const now = this.#clock.now();
    if (now < this.#deadline) {
      this.#timerAt = this.#deadline;
      this.#timer = this.#clock.setTimeout(this.#onTimer, this.#deadline - now);
      return;
    }
    this.#stats.timeouts++;
    if (++this.#consecutiveTimeouts > this.#options.maxRetries) {
      const message = `no acknowledgement after ${this.#consecutiveTimeouts} timeouts (last ${this.#rto.rtoMs} ms)`;
      this.#fail(new WhohasError('TRANSFER_TIMEOUT', message), 'TRANSFER_TIMEOUT');
      return;
    }
    this.#rto.backOff();
    this.#goBack();
  };

  #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.#finished) return;
    const stats = this.#stats;
    if (rinfo.port !== this.#peer.port || rinfo.address !== this.#peer.address) {
      stats.ignored++;
      return;
    }
    const packet = decodePacket(msg);
    if (packet.kind === 'invalid' || packet.transferId !== this.#transferId) {
      stats.ignored++;
      return;
    }
    if (packet.kind === 'ack') {
      stats.packetsReceived++;
      this.#onAck(packet.seq);
    } else if (packet.kind === 'abort') {
      stats.packetsReceived++;
      this.#fail(remoteAbortError('receiver', packet.code), undefined);
    } else {
      stats.ignored++;
    }
  };

  #onAck(ack: number): void {
    if (ack <= this.#base || ack > this.#highest) {
      this.#stats.duplicates++;
      if (ack === this.#base && this.#base < this.#highest) this.#onDuplicateAck();
      return;
    }
    this.#dupAcks = 0;
    this.#window.onAcked(ack - this.#base);
    if (ack > this.#next) this.#next = ack; // sent before going back, acknowledged since
    const windowSize = this.#windowSize;
    for (let seq = this.#base; seq < ack; seq++) this.#inFlight[seq % windowSize] = undefined;
    if (this.#sampleSeq >= 0 && ack > this.#sampleSeq) {
      this.#rto.sample(this.#clock.now() - this.#sampleSentAt);
      this.#sampleSeq = -1;
    }
    this.#base = ack;
    this.#consecutiveTimeouts = 0;
    this.#stats.bytes = Math.min(this.#file.size, Math.max(0, (ack - 1) * this.#payload));
    if (ack === this.#total) {
      this.#finish();
      return;
    }
    if (ack < this.#next) this.#restartTimer();
    this.#pump();
  }

  /** Three duplicate ACKs: the packet at the base is lost; go back now, once per window. */
  #onDuplicateAck(): void {
    if (!this.#options.fastRetransmit || this.#base <= this.#recover) return;
    if (++this.#dupAcks < DUP_ACK_THRESHOLD) return;
    this.#stats.fastRetransmits++;
    this.#goBack();
  }

  #onSocketError = (error: SystemError): void => {
    if (isTransientSocketError(error)) return; // the datagram counts as lost
    this.#fail(ioError('datagram socket failed', error), undefined);
  };

  #onSocketClose = (): void => {
    this.#fail(
      new WhohasError('IO_ERROR', 'the datagram socket closed under the transfer'),
      undefined,
    );
  };

  #finish(): void {
    const stats = this.#settle();
    this.#resolve(stats);
  }

  #fail(error: WhohasError, notifyCode: string | undefined): void {
    if (this.#finished) return;
    if (notifyCode !== undefined) {
      this.#socket.send(
        encodeAbort(this.#transferId, notifyCode),
        this.#peer.port,
        this.#peer.address,
      );
      this.#stats.packetsSent++;
    }
    this.#settle();
    this.#reject(error);
  }

  #settle(): TransferStats {
    this.#finished = true;
    this.#stats.endedAt = this.#clock.now();
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight.fill(undefined);
    this.#slots.fill(undefined);
    this.#reader.close();
    this.#socket.off('message', this.#onMessage);
    this.#socket.off('close', this.#onSocketClose);
    closeQuietly(this.#socket, this.#onSocketError);
    this.#file.close().catch(() => {});
    return this.stats;
  }
}
