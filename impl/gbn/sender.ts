import { isWhohasError, WhohasError } from '../errors.ts';
import type {
  AddressInfo,
  Clock,
  DatagramSocket,
  FileReader,
  Platform,
  RemoteInfo,
  SystemError,
} from '../platform/types.ts';
import { SHA256_BYTES } from './codec.ts';
import { EffectiveWindow } from './congestion.ts';
import { sha256OfFile } from './files.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { OutgoingPackets } from './outgoing-packets.ts';
import { RetransmitTimer } from './retransmit-timer.ts';
import { RoundTripProbe, RtoEstimator } from './rto.ts';
import {
  checkTransferId,
  DUP_ACK_THRESHOLD,
  decodeFor,
  type EndpointHandlers,
  hangUp,
  ioError,
  listen,
  remoteAbortError,
  type Settlement,
  sendAbort,
  settlement,
  sizeSocketBuffer,
  socketClosedError,
  socketFailure,
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
  readonly #packets: OutgoingPackets;
  /** Sequence numbers 0..total-1: START, the data packets, FIN. */
  readonly #total: number;
  readonly #windowSize: number;
  /** The unacknowledged packets, by sequence number modulo the window. */
  readonly #inFlight: (Buffer | undefined)[];
  readonly #rto: RtoEstimator;
  readonly #probe: RoundTripProbe;
  readonly #timer: RetransmitTimer;
  readonly #stats = new StatsRecorder();
  readonly #outcome: Settlement<TransferStats> = settlement();
  readonly #handlers: EndpointHandlers;
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
  #consecutiveTimeouts = 0;

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
    this.#packets = new OutgoingPackets(
      init.file,
      init.transferId,
      this.#options,
      () => this.#pump(),
      this.#onReadError,
    );
    this.#total = this.#packets.total;
    this.#windowSize = this.#options.window;
    this.#window = new EffectiveWindow(this.#windowSize, this.#options.congestion);
    sizeSocketBuffer(
      (bytes) => this.#socket.setSendBufferSize(bytes),
      this.#windowSize,
      this.#options.packetSize,
    );
    this.#inFlight = new Array(Math.min(this.#windowSize, this.#total));
    this.#rto = new RtoEstimator(this.#options.rto);
    this.#probe = new RoundTripProbe(this.#clock, this.#rto);
    this.#timer = new RetransmitTimer(
      this.#clock,
      this.#onTimeout,
      () => !this.#finished && this.#base !== this.#next,
    );
    this.done = this.#outcome.promise;
    this.#handlers = {
      message: this.#onMessage,
      error: this.#onSocketError,
      close: this.#onSocketClose,
    };
    listen(this.#socket, this.#handlers);
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
        packet = this.#packets.build(seq, this.#sha256!);
        if (packet === undefined) return; // the read completion pumps again
        this.#inFlight[seq % windowSize] = packet;
        // RTT samples come from full-size packets only: START is a few bytes, and on a slow
        // path its round trip is far shorter than a data packet's (the RTO would fire early).
        if (seq > 0) this.#probe.sent(seq);
        this.#highest = seq + 1;
      }
      if (this.#base === seq) this.#timer.restart(this.#rto.rtoMs);
      this.#next = seq + 1;
      this.#stats.packetsSent++;
      this.#socket.send(packet, this.#peer.port, this.#peer.address);
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
    this.#probe.cancel();
    this.#next = this.#base;
    this.#timer.restart(this.#rto.rtoMs);
    this.#pump();
  }

  #onReadError = (error: unknown): void => {
    const failure = isWhohasError(error) ? error : ioError('cannot read the file', error);
    this.#fail(failure, 'IO_ERROR');
  };

  #onTimeout = (): void => {
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
    const packet = decodeFor(msg, this.#transferId);
    if (packet?.kind === 'ack') {
      stats.packetsReceived++;
      this.#onAck(packet.seq);
    } else if (packet?.kind === 'abort') {
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
    this.#probe.acked(ack);
    this.#base = ack;
    this.#consecutiveTimeouts = 0;
    this.#stats.bytes = this.#packets.bytesBelow(ack);
    if (ack === this.#total) {
      this.#outcome.resolve(this.#settle());
      return;
    }
    if (ack < this.#next) this.#timer.restart(this.#rto.rtoMs);
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
    const failure = socketFailure(error);
    if (failure !== undefined) this.#fail(failure, undefined);
  };

  #onSocketClose = (): void => this.#fail(socketClosedError(), undefined);

  #fail(error: WhohasError, notifyCode: string | undefined): void {
    if (this.#finished) return;
    if (notifyCode !== undefined) {
      sendAbort(this.#socket, this.#transferId, notifyCode, this.#peer.port, this.#peer.address);
      this.#stats.packetsSent++;
    }
    this.#settle();
    this.#outcome.reject(error);
  }

  #settle(): TransferStats {
    this.#finished = true;
    this.#stats.endedAt = this.#clock.now();
    this.#timer.stop();
    this.#inFlight.fill(undefined);
    this.#packets.close();
    hangUp(this.#socket, this.#handlers);
    this.#file.close().catch(() => {});
    return this.stats;
  }
}
