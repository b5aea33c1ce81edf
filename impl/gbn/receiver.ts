import { WhohasError } from '../errors.ts';
import type {
  Clock,
  DatagramSocket,
  FileSystem,
  Platform,
  RemoteInfo,
  SystemError,
  TimerHandle,
} from '../platform/types.ts';
import { AckPolicy } from './ack-policy.ts';
import { type DataPacket, encodeAck, type FinPacket, type StartPacket } from './codec.ts';
import { checkFileName } from './files.ts';
import { IdleWatch } from './idle-watch.ts';
import { IncomingFile } from './incoming-file.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import {
  checkTransferId,
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
  readonly #acks: AckPolicy;
  readonly #stats = new StatsRecorder();
  readonly #outcome: Settlement<ReceivedFile> = settlement();
  readonly #handlers: EndpointHandlers;
  #state: State = 'waiting';
  #peerPort = -1;
  #expected = 0;
  #fileSize = 0;
  #sha256: Buffer | undefined;
  #file: IncomingFile | undefined;
  readonly #idle: IdleWatch;
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
    this.#acks = new AckPolicy(
      this.#clock,
      this.#options.ack,
      this.#options.window,
      this.#transmitAck,
      () => this.#state === 'receiving' || this.#state === 'finishing',
    );
    if (init.peerPort !== undefined) this.lockPeerPort(init.peerPort);
    sizeSocketBuffer(
      (bytes) => this.#socket.setRecvBufferSize(bytes),
      this.#options.window,
      this.#options.packetSize,
    );
    this.done = this.#outcome.promise;
    this.#handlers = {
      message: this.#onMessage,
      error: this.#onSocketError,
      close: this.#onSocketClose,
    };
    listen(this.#socket, this.#handlers);
    this.#idle = new IdleWatch(
      this.#clock,
      this.#options.idleTimeoutMs,
      this.#onIdle,
      () => this.#state === 'finishing',
    );
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
    const packet = decodeFor(msg, this.#transferId);
    if (packet === undefined || packet.kind === 'ack') {
      stats.ignored++;
      return;
    }
    if (this.#peerPort < 0) this.#peerPort = rinfo.port;
    stats.packetsReceived++;
    this.#idle.heard();
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
      this.#acks.soon();
      return;
    }
    this.#state = 'receiving';
    this.#stats.startedAt = this.#clock.now();
    this.#fileSize = packet.fileSize;
    this.#sha256 = packet.sha256;
    this.#acks.useSenderWindow(packet.window);
    this.#expected = 1;
    this.#file = new IncomingFile(
      this.#fs,
      this.#dir,
      this.#name,
      this.#options.writeChunkBytes,
      packet.fileSize,
      (error) => this.#fail(error, 'IO_ERROR'),
    );
    this.#acks.sendNow();
  }

  #onData(packet: DataPacket): void {
    if (this.#state !== 'receiving' || packet.seq !== this.#expected) {
      this.#countStray(packet.seq);
      if (this.#state === 'receiving' && packet.seq > this.#expected) this.#acks.onGap();
      else if (this.#state !== 'waiting') this.#acks.soon();
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
    if (!this.#file!.store(payload)) return; // no room: dropped, Go-Back-N sends it again
    this.#expected++;
    this.#stats.bytes += payload.length;
    this.#acks.onInOrder();
  }

  /** A packet not taken in: ahead of the expected one (or before START), or already had. */
  #countStray(seq: number): void {
    if (this.#state === 'waiting' || seq > this.#expected) this.#stats.outOfOrder++;
    else this.#stats.duplicates++;
  }

  #onFin(packet: FinPacket): void {
    if (this.#state === 'lingering' && packet.seq + 1 === this.#expected) {
      this.#stats.duplicates++;
      this.#acks.sendNow();
      return;
    }
    if (this.#state !== 'receiving' || packet.seq !== this.#expected) {
      this.#countStray(packet.seq);
      return;
    }
    if (this.#stats.bytes !== this.#fileSize) {
      const message = `received ${this.#stats.bytes} bytes of ${this.#fileSize}`;
      this.#fail(new WhohasError('SIZE_MISMATCH', message), 'SIZE_MISMATCH');
      return;
    }
    // #expected moves past FIN only once the file is committed: until then ACKs stop short of it.
    this.#state = 'finishing';
    this.#file!.finish(this.#complete);
  }

  #complete = async (digest: Buffer): Promise<void> => {
    if (this.#state !== 'finishing') return;
    if (!digest.equals(this.#sha256!)) {
      this.#fail(
        new WhohasError('HASH_MISMATCH', 'the file does not match its SHA-256'),
        'HASH_MISMATCH',
      );
      return;
    }
    let path: string | undefined;
    try {
      path = await this.#file!.commit(() => this.#state !== 'closed');
    } catch (error) {
      this.#fail(ioError('cannot commit the file', error), 'IO_ERROR');
      return;
    }
    if (path === undefined) return;
    this.#state = 'lingering';
    this.#stats.endedAt = this.#clock.now();
    this.#expected++;
    this.#acks.sendNow();
    this.#idle.stop();
    this.#lingerTimer = this.#clock.setTimeout(this.#close, this.#options.lingerMs);
    this.#outcome.resolve({ path, stats: this.stats });
  };

  #transmitAck = (): void => {
    this.#stats.packetsSent++;
    this.#socket.send(
      encodeAck(this.#transferId, this.#expected),
      this.#peerPort,
      this.#peerAddress,
    );
  };

  #onIdle = (): void => {
    const message = `nothing from the sender for ${this.#options.idleTimeoutMs} ms`;
    this.#fail(new WhohasError('TRANSFER_TIMEOUT', message), 'TRANSFER_TIMEOUT');
  };

  #onSocketError = (error: SystemError): void => {
    const failure = socketFailure(error);
    if (failure !== undefined) this.#fail(failure, undefined);
  };

  #onSocketClose = (): void => {
    if (this.#state === 'lingering') this.#close();
    else this.#fail(socketClosedError(), undefined);
  };

  async #fail(error: WhohasError, notifyCode: string | undefined): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'lingering') return;
    if (notifyCode !== undefined && this.#peerPort >= 0) {
      this.#stats.packetsSent++;
      sendAbort(this.#socket, this.#transferId, notifyCode, this.#peerPort, this.#peerAddress);
    }
    this.#stats.endedAt = this.#clock.now();
    this.#close();
    await this.#file?.discard();
    this.#outcome.reject(error);
  }

  #close = (): void => {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#acks.stop();
    this.#idle.stop();
    this.#clock.clearTimeout(this.#lingerTimer);
    hangUp(this.#socket, this.#handlers);
  };
}
