import { WhohasError } from '../errors.ts';
import type {
  Clock,
  DatagramSocket,
  FileSystem,
  FileWriter,
  Platform,
  RemoteInfo,
  SystemError,
  TimerHandle,
} from '../platform/types.ts';
import {
  type DataPacket,
  decodePacket,
  encodeAbort,
  encodeAck,
  type FinPacket,
  type StartPacket,
} from './codec.ts';
import { checkFileName, commitWithoutOverwrite } from './files.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
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
import { WriteBehind } from './write-behind.ts';

export interface GbnReceiverInit {
  platform: Platform;
  /** A bound datagram socket; the receiver owns it from now on and closes it when done. */
  socket: DatagramSocket;
  /** Only datagrams from this address count; the first valid one fixes the source port. */
  peerAddress: string;
  /** The sender's port if known (the owner's `sending` reply); see also `lockPeerPort`. */
  peerPort?: number;
  transferId: number;
  /** Folder the file is committed into. */
  dir: string;
  /** Plain file name; taken names become `name (1).ext`, `name (2).ext`... */
  name: string;
  options?: TransferOptionsInput;
}

export interface ReceivedFile {
  path: string;
  stats: TransferStats;
}

type State = 'waiting' | 'receiving' | 'finishing' | 'lingering' | 'closed';

/**
 * Go-Back-N receiver: accepts only the next expected packet, acknowledges cumulatively (every
 * few packets or after a short delay), writes through a temporary file in large chunks, checks
 * size and SHA-256 at FIN and commits without overwriting. Any failure deletes the temp file.
 */
export class GbnReceiver {
  readonly done: Promise<ReceivedFile>;
  readonly #clock: Clock;
  readonly #fs: FileSystem;
  readonly #socket: DatagramSocket;
  readonly #peerAddress: string;
  readonly #transferId: number;
  readonly #dir: string;
  readonly #name: string;
  readonly #options: TransferOptions;
  /** ACK after this many in-order packets: at most half the sender's window. */
  #ackEvery: number;
  readonly #stats = new StatsRecorder();
  #resolve!: (file: ReceivedFile) => void;
  #reject!: (error: WhohasError) => void;
  #state: State = 'waiting';
  #peerPort = -1;
  #expected = 0;
  #fileSize = 0;
  #sha256: Buffer | undefined;
  #writerReady: Promise<FileWriter | undefined> | undefined;
  #writer: FileWriter | undefined;
  #sink: WriteBehind | undefined;
  #unacked = 0;
  /** Immediate ACKs sent for out-of-order arrivals since #expected last moved. */
  #outOfOrderAcks = 0;
  #ackPending = false;
  #ackTimer: TimerHandle | undefined;
  #ackDeferred = false;
  #lastHeard: number;
  #idleTimer: TimerHandle | undefined;
  #lingerTimer: TimerHandle | undefined;

  constructor(init: GbnReceiverInit) {
    checkTransferId(init.transferId);
    checkFileName(init.name);
    this.#options = resolveTransferOptions(init.options);
    this.#clock = init.platform.clock;
    this.#fs = init.platform.fs;
    this.#socket = init.socket;
    this.#peerAddress = init.peerAddress;
    this.#transferId = init.transferId;
    this.#dir = init.dir;
    this.#name = init.name;
    this.#ackEvery = ackEvery(this.#options.ack.packets, this.#options.window);
    if (init.peerPort !== undefined) this.lockPeerPort(init.peerPort);
    try {
      this.#socket.setRecvBufferSize(
        socketBufferFor(this.#options.window, this.#options.packetSize),
      );
    } catch {
      // Best effort: the OS may refuse or cap it; the sender's window then adapts to the loss.
    }
    this.done = new Promise<ReceivedFile>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    this.#socket.on('message', this.#onMessage);
    this.#socket.on('error', this.#onSocketError);
    this.#socket.on('close', this.#onSocketClose);
    this.#lastHeard = this.#clock.now();
    this.#idleTimer = this.#clock.setTimeout(this.#onIdleTimer, this.#options.idleTimeoutMs);
  }

  get stats(): TransferStats {
    return this.#stats.snapshot(this.#clock.now());
  }

  /**
   * Takes datagrams only from this source port from now on (the owner announced it). Datagrams
   * from another port that came first are not undone: they could only fail the hash check.
   */
  lockPeerPort(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new WhohasError('BAD_ARGUMENT', 'peer port must be an integer 1..65535');
    }
    this.#peerPort = port;
  }

  /** Gives up: tells the sender (ABORT), deletes the temp file, rejects with TRANSFER_ABORTED. */
  abort(reason: string): void {
    if (this.#state === 'lingering') {
      this.#close();
      return;
    }
    this.#fail(
      new WhohasError('TRANSFER_ABORTED', `transfer aborted: ${reason}`),
      'TRANSFER_ABORTED',
    );
  }

  #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    const stats = this.#stats;
    if (
      rinfo.address !== this.#peerAddress ||
      (this.#peerPort >= 0 && rinfo.port !== this.#peerPort)
    ) {
      stats.ignored++;
      return;
    }
    const packet = decodePacket(msg);
    if (
      packet.kind === 'invalid' ||
      packet.transferId !== this.#transferId ||
      packet.kind === 'ack'
    ) {
      stats.ignored++;
      return;
    }
    if (this.#peerPort < 0) this.#peerPort = rinfo.port;
    stats.packetsReceived++;
    this.#lastHeard = this.#clock.now();
    switch (packet.kind) {
      case 'data':
        this.#onData(packet);
        break;
      case 'start':
        this.#onStart(packet);
        break;
      case 'fin':
        this.#onFin(packet);
        break;
      case 'abort':
        this.#fail(remoteAbortError('sender', packet.code), undefined);
        break;
    }
  };

  #onStart(packet: StartPacket): void {
    if (this.#state !== 'waiting' || packet.seq !== 0) {
      this.#stats.duplicates++;
      this.#ackSoon();
      return;
    }
    this.#state = 'receiving';
    this.#stats.startedAt = this.#clock.now();
    this.#fileSize = packet.fileSize;
    this.#sha256 = packet.sha256;
    // The sender's own window wins over ours: waiting for more packets than it may send in a
    // row would stall every window on the delayed-ACK timer.
    if (packet.window > 0) this.#ackEvery = ackEvery(this.#options.ack.packets, packet.window);
    this.#sink = new WriteBehind(
      this.#options.writeChunkBytes,
      packet.fileSize,
      this.#onWriteError,
    );
    this.#expected = 1;
    this.#writerReady = this.#fs.createTemp(this.#dir, this.#name).then(this.#onWriter, (error) => {
      this.#fail(ioError('cannot create the temporary file', error), 'IO_ERROR');
      return undefined;
    });
    this.#sendAck();
  }

  #onData(packet: DataPacket): void {
    if (this.#state !== 'receiving' || packet.seq !== this.#expected) {
      if (this.#state === 'waiting' || packet.seq > this.#expected) this.#stats.outOfOrder++;
      else this.#stats.duplicates++;
      if (this.#state === 'receiving' && packet.seq > this.#expected) this.#ackOutOfOrder();
      else if (this.#state !== 'waiting') this.#ackSoon();
      return;
    }
    const payload = packet.payload;
    if (this.#stats.bytes + payload.length > this.#fileSize) {
      this.#fail(
        new WhohasError('SIZE_MISMATCH', 'the sender sent more than the announced size'),
        'SIZE_MISMATCH',
      );
      return;
    }
    if (!this.#sink!.store(payload)) return; // no room: dropped, Go-Back-N sends it again
    this.#expected++;
    this.#outOfOrderAcks = 0;
    this.#stats.bytes += payload.length;
    if (++this.#unacked >= this.#ackEvery) this.#ackAfterBurst();
    else this.#ackSoon();
  }

  #onFin(packet: FinPacket): void {
    if (this.#state === 'lingering' && packet.seq + 1 === this.#expected) {
      this.#stats.duplicates++;
      this.#sendAck();
      return;
    }
    if (this.#state !== 'receiving' || packet.seq !== this.#expected) {
      if (this.#state === 'waiting' || packet.seq > this.#expected) this.#stats.outOfOrder++;
      else this.#stats.duplicates++;
      return;
    }
    if (this.#stats.bytes !== this.#fileSize) {
      const message = `received ${this.#stats.bytes} bytes of ${this.#fileSize}`;
      this.#fail(new WhohasError('SIZE_MISMATCH', message), 'SIZE_MISMATCH');
      return;
    }
    // #expected moves past FIN only once the file is committed: until then ACKs stop short of it.
    this.#state = 'finishing';
    this.#sink!.finish(this.#complete);
  }

  #onWriter = (writer: FileWriter): FileWriter | undefined => {
    if (this.#state === 'closed') {
      writer.abort().catch(() => {});
      return undefined;
    }
    this.#writer = writer;
    this.#sink!.attach(writer);
    return writer;
  };

  #onWriteError = (error: unknown): void => {
    this.#fail(ioError('cannot write the file', error), 'IO_ERROR');
  };

  #complete = async (digest: Buffer): Promise<void> => {
    if (this.#state !== 'finishing') return;
    if (!digest.equals(this.#sha256!)) {
      this.#fail(
        new WhohasError('HASH_MISMATCH', 'the file does not match its SHA-256'),
        'HASH_MISMATCH',
      );
      return;
    }
    let path: string;
    try {
      path = await commitWithoutOverwrite(this.#writer!, this.#dir, this.#name);
    } catch (error) {
      this.#fail(ioError('cannot commit the file', error), 'IO_ERROR');
      return;
    }
    if (this.#isClosed()) {
      // Aborted while committing: the caller was told it failed, so take the file back.
      await this.#fs.remove(path).catch(() => {});
      return;
    }
    this.#state = 'lingering';
    this.#stats.endedAt = this.#clock.now();
    this.#expected++;
    this.#sendAck();
    this.#clock.clearTimeout(this.#idleTimer);
    this.#lingerTimer = this.#clock.setTimeout(this.#close, this.#options.lingerMs);
    this.#resolve({ path, stats: this.stats });
  };

  /** A fresh look at the state (it may change while we await). */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #sendAck(): void {
    this.#unacked = 0;
    this.#ackPending = false;
    this.#stats.packetsSent++;
    this.#socket.send(
      encodeAck(this.#transferId, this.#expected),
      this.#peerPort,
      this.#peerAddress,
    );
  }

  /**
   * A batch is complete: acknowledge once the datagrams already waiting have been taken in, so
   * a burst costs one ACK (one wake-up of the sender) however many batches it holds. One ACK
   * per packet (`ack.packets` 1, the analytic model's assumption) goes out at once.
   */
  #ackAfterBurst(): void {
    if (this.#ackEvery === 1) {
      this.#sendAck();
      return;
    }
    this.#ackPending = true;
    if (this.#ackDeferred) return;
    this.#ackDeferred = true;
    this.#clock.defer(this.#onBurstEnd);
  }

  #onBurstEnd = (): void => {
    this.#ackDeferred = false;
    if (this.#ackPending && (this.#state === 'receiving' || this.#state === 'finishing')) {
      this.#sendAck();
    }
  };

  /**
   * A gap: a duplicate cumulative ACK at once tells the sender (fast retransmit) without waiting
   * for its timeout. One more than the sender's threshold, as the first may still move its base;
   * past that the usual delayed ACK, so a window of stragglers does not cost a window of ACKs.
   */
  #ackOutOfOrder(): void {
    if (this.#outOfOrderAcks > DUP_ACK_THRESHOLD) {
      this.#ackSoon();
      return;
    }
    this.#outOfOrderAcks++;
    this.#sendAck();
  }

  /** Acknowledges within ack.delayMs unless a full batch does it first. One timer at most. */
  #ackSoon(): void {
    this.#ackPending = true;
    this.#ackTimer ??= this.#clock.setTimeout(this.#onAckTimer, this.#options.ack.delayMs);
  }

  #onAckTimer = (): void => {
    this.#ackTimer = undefined;
    if (this.#ackPending && (this.#state === 'receiving' || this.#state === 'finishing')) {
      this.#sendAck();
    }
  };

  #onIdleTimer = (): void => {
    this.#idleTimer = undefined;
    if (this.#state === 'closed' || this.#state === 'lingering') return;
    const idle = this.#options.idleTimeoutMs;
    const quietFor = this.#clock.now() - this.#lastHeard;
    if (quietFor < idle || this.#state === 'finishing') {
      this.#idleTimer = this.#clock.setTimeout(this.#onIdleTimer, Math.max(idle - quietFor, 1));
      return;
    }
    const message = `nothing from the sender for ${idle} ms`;
    this.#fail(new WhohasError('TRANSFER_TIMEOUT', message), 'TRANSFER_TIMEOUT');
  };

  #onSocketError = (error: SystemError): void => {
    if (isTransientSocketError(error)) return;
    this.#fail(ioError('datagram socket failed', error), undefined);
  };

  #onSocketClose = (): void => {
    if (this.#state === 'lingering') this.#close();
    else
      this.#fail(
        new WhohasError('IO_ERROR', 'the datagram socket closed under the transfer'),
        undefined,
      );
  };

  async #fail(error: WhohasError, notifyCode: string | undefined): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'lingering') return;
    if (notifyCode !== undefined && this.#peerPort >= 0) {
      this.#stats.packetsSent++;
      this.#socket.send(
        encodeAbort(this.#transferId, notifyCode),
        this.#peerPort,
        this.#peerAddress,
      );
    }
    this.#stats.endedAt = this.#clock.now();
    this.#close();
    this.#sink?.close();
    const writer = await this.#writerReady;
    if (writer !== undefined) await writer.abort().catch(() => {});
    this.#reject(error);
  }

  #close = (): void => {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const timer of [this.#ackTimer, this.#idleTimer, this.#lingerTimer]) {
      this.#clock.clearTimeout(timer);
    }
    this.#socket.off('message', this.#onMessage);
    this.#socket.off('close', this.#onSocketClose);
    closeQuietly(this.#socket, this.#onSocketError);
  };
}

function ackEvery(packets: number, window: number): number {
  return Math.min(packets, Math.max(1, window >> 1));
}
