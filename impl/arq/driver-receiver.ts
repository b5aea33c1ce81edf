/**
 * The receiving side of a transfer: runs an ArqReceiverCore on a bound datagram socket, writes
 * what it delivers through a bounded write-behind (telling the core its room, so a slow disk
 * shrinks the advertised window instead of dropping packets), hands the core the FIN once the
 * data is on file (the core checks size and SHA-256: the driver does not hash), commits without
 * overwriting before the FIN is acknowledged, deletes the temp file on failure, and lingers
 * after success to acknowledge a repeated FIN.
 */
import { type ErrorCode, WhohasError } from '../errors.ts';
import type { DatagramSocket, FileSystem, Platform, RemoteInfo } from '../platform/types.ts';
import { decodePacket, HEADER_BYTES, seqDiff } from './codec.ts';
import type { ArqReceiverCore } from './core.ts';
import { DriverEndpoint } from './driver-endpoint.ts';
import { IncomingFile } from './driver-incoming.ts';
import { isFin, startSequence } from './driver-peek.ts';
import {
  checkTransferId,
  failureError,
  ioError,
  type Settlement,
  settlement,
  sizeSocketBuffer,
} from './driver-shared.ts';
import { checkFileName } from './files.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { type ReceiverCoreFactory, receiverCoreFor } from './schemes.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

export interface TransferReceiverInit {
  platform: Platform;
  /** A bound datagram socket; the receiver owns it from now on and closes it when done. */
  socket: DatagramSocket;
  /** Only datagrams from this address count; the port is the announced one or START's. */
  peerAddress: string;
  /** The sender's port if known (the owner's `sending` reply); see also `lockPeerPort`. */
  peerPort?: number;
  transferId: number;
  /** Folder the file is committed into. */
  dir: string;
  /** Plain file name; taken names become `name (1).ext`, `name (2).ext`... */
  name: string;
  options?: TransferOptionsInput;
  /** The core to run; by default the one this build registers for `options.arq`. */
  core?: ReceiverCoreFactory;
}

export interface ReceivedFile {
  path: string;
  stats: TransferStats;
}

/** receiving → verifying (FIN held, data flushed, core checks, commit) → committed → lingering. */
type State = 'receiving' | 'verifying' | 'committed' | 'lingering' | 'failed';

export class TransferReceiver extends DriverEndpoint<ArqReceiverCore> {
  readonly done: Promise<ReceivedFile>;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #name: string;
  readonly #options: TransferOptions;
  readonly #outcome: Settlement<ReceivedFile> = settlement();
  /** The soft bound of bytes taken and not yet on file (two write chunks, as before). */
  readonly #limitBytes: number;
  #state: State = 'receiving';
  #file: IncomingFile | undefined;
  #heldFin: Buffer | undefined;
  /** START's sequence number, once the core took a START. */
  #isn: number | undefined;
  #path: string | undefined;
  #lingerUntil = Number.NaN;

  constructor(init: TransferReceiverInit) {
    checkTransferId(init.transferId);
    checkFileName(init.name);
    const options = resolveTransferOptions(init.options);
    const makeCore = init.core ?? receiverCoreFor(options.arq);
    super(init.platform.clock, init.socket, init.transferId, {
      address: init.peerAddress,
      port: -1,
    });
    if (init.peerPort !== undefined) this.lockPeerPort(init.peerPort);
    this.#fs = init.platform.fs;
    this.#dir = init.dir;
    this.#name = init.name;
    this.#options = options;
    this.#limitBytes = 2 * options.writeChunkBytes;
    this.done = this.#outcome.promise;
    sizeSocketBuffer(
      (bytes) => init.socket.setRecvBufferSize(bytes),
      options.window,
      options.packetSize,
    );
    this.core = makeCore({ transferId: init.transferId, options, now: this.clock.now() });
    this.core.setRoom(this.#limitBytes);
    this.flush();
  }

  get stats(): TransferStats {
    return this.statsOf(this.core, new StatsRecorder().snapshot(this.clock.now()));
  }

  /** Bytes received and not yet written (bounded by the room the core was told of). */
  get unwrittenBytes(): number {
    return this.#file?.sink.pending ?? 0;
  }

  /**
   * Takes datagrams only from this source port (and `address`: the pair a hole punch or relay
   * chose) from now on. Datagrams from elsewhere that came first are not undone: they could only
   * fail the hash check.
   */
  lockPeerPort(port: number, address = this.peerAddress): void {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new WhohasError('BAD_ARGUMENT', 'peer port must be an integer 1..65535');
    }
    this.peerPort = port;
    this.peerAddress = address;
  }

  /** Gives up: tells the sender (ABORT), deletes the temp file, rejects with `code`. */
  abort(message: string, code: ErrorCode = 'TRANSFER_ABORTED'): void {
    if (this.#state === 'lingering') {
      this.close();
      return;
    }
    this.#giveUp(new WhohasError(code, message));
  }

  protected deliver(msg: Buffer, rinfo: RemoteInfo): void {
    const core = this.core!;
    if (isFin(msg) && (this.#state === 'receiving' || this.#state === 'verifying')) {
      // The FIN is acknowledged only once the file is verified and committed, so a sender that
      // hears the last ACK knows the file is there; a FIN before all the data waits for a retry.
      const announced = core.announcement;
      if (this.#state !== 'receiving' || announced === null) return;
      if (this.#stored() === announced.fileSize) {
        this.#heldFin = Buffer.from(msg);
        this.#verify();
      } else if (this.#finInSequence(msg)) {
        const message = `received ${this.#stored()} bytes of ${announced.fileSize}`;
        this.#giveUp(new WhohasError('SIZE_MISMATCH', message));
      }
      return;
    }
    // The sender sends again (FIN, or DATA after going back): it has not heard the final ACK.
    if (this.#state === 'lingering') this.#lingerUntil = this.#lingerFrom(); // stay while it asks
    const hadStart = core.announcement !== null;
    core.handleDatagram(msg, this.clock.now());
    if (!hadStart && core.announcement !== null) this.#isn = startSequence(msg);
    // Until the owner's port is known, the START the core took (or refused: it answers ABORT
    // there) names it.
    if (this.peerPort < 0 && (core.announcement !== null || core.status !== 'active')) {
      this.peerPort = rinfo.port;
    }
    this.#take();
  }

  protected service(): boolean {
    this.#take();
    this.core!.setRoom(this.#file?.sink.room ?? this.#limitBytes);
    return false;
  }

  protected settle(): void {
    const core = this.core!;
    if (core.status === 'done' && this.#state === 'committed') {
      this.#state = 'lingering';
      this.#lingerUntil = this.#lingerFrom();
      this.#outcome.resolve({ path: this.#path!, stats: this.stats });
    } else if (core.status === 'failed' && this.#state !== 'failed') {
      void this.#fail(failureError(core.failure));
    }
    // A failed core repeats its ABORT (or answers one) until it has nothing left to do.
    if (this.#state === 'failed' && core.pollTimeout() === null) this.close();
  }

  /** The core took the FIN (digest checked) and owes its ACK: not before the file is committed. */
  protected override holdOutput(): boolean {
    return this.#state === 'verifying' && this.core?.status === 'done';
  }

  #lingerFrom(): number {
    return this.clock.now() + this.#options.lingerMs;
  }

  protected override driverDeadline(): number | null {
    return this.#state === 'lingering' ? this.#lingerUntil : null;
  }

  protected override driverTimeout(): void {
    if (this.#state === 'lingering') this.close();
  }

  protected lost(error: WhohasError): void {
    if (this.#state === 'lingering') {
      this.close();
      return;
    }
    void this.#fail(error);
    this.close();
  }

  /**
   * A FIN right after the data taken so far (packets of our packet size): the sender has nothing
   * more to send, short of the announced size.
   */
  #finInSequence(msg: Buffer): boolean {
    const fin = decodePacket(msg);
    if (fin.kind !== 'fin' || fin.transferId !== this.transferId || this.#isn === undefined) {
      return false;
    }
    const payload = this.#options.packetSize - HEADER_BYTES;
    return seqDiff(fin.seq, this.#isn) === 1 + Math.ceil(this.#stored() / payload);
  }

  #stored(): number {
    return this.#file?.sink.stored ?? 0;
  }

  /** Moves what the core delivered in order into the write-behind (copying it now). */
  #take(): void {
    const core = this.core!;
    const announced = core.announcement;
    if (announced === null || this.#state === 'failed') return;
    this.#file ??= new IncomingFile({
      fs: this.#fs,
      dir: this.#dir,
      name: this.#name,
      fileSize: announced.fileSize,
      chunkBytes: this.#options.writeChunkBytes,
      limitBytes: this.#limitBytes,
      onWritten: () => this.flush(),
      onError: (error) => this.#giveUp(error),
    });
    // The core never delivers past the announced size (it fails SIZE_MISMATCH first).
    const sink = this.#file.sink;
    for (let bytes = core.takeData(); bytes !== null; bytes = core.takeData()) sink.store(bytes);
  }

  /**
   * All data was taken: once it is on file, the held FIN goes to the core, which checks size and
   * SHA-256. A failed core (HASH_MISMATCH) sends ABORT and the temp file goes (settle); a done core
   * keeps its FIN ACK (holdOutput) until the commit; a FIN it did not take waits for a retry.
   */
  #verify(): void {
    this.#state = 'verifying';
    this.#file!.sink.finish(async () => {
      if (this.#state !== 'verifying') return;
      const core = this.core!;
      core.handleDatagram(this.#heldFin!, this.clock.now());
      this.#heldFin = undefined;
      if (core.status !== 'done') {
        if (core.status === 'active') this.#state = 'receiving';
        this.flush();
        return;
      }
      let path: string;
      try {
        path = await this.#file!.commit();
      } catch (error) {
        this.#giveUp(ioError('cannot commit the file', error));
        return;
      }
      if (this.#state !== 'verifying') {
        await this.#file!.uncommit(path); // it failed while committing: take the file back
        return;
      }
      this.#path = path;
      this.#state = 'committed';
      this.flush();
    });
  }

  /** This side gives up: the core sends ABORT (repeated), the file goes. */
  #giveUp(error: WhohasError): void {
    if (this.#state === 'failed' || this.#state === 'lingering' || this.closed) return;
    const core = this.core!;
    // A done core whose FIN ACK is held (the commit failed) is aborted too: ABORT, not FIN ACK.
    if (core.status !== 'failed') core.abort(error.code, error.message, this.clock.now());
    void this.#fail(error);
    this.flush();
  }

  /** Fails once: the temp file (and a file committed just before) goes, then `done` rejects. */
  async #fail(error: WhohasError): Promise<void> {
    if (this.#state === 'failed' || this.#state === 'lingering') return;
    const committed = this.#path;
    this.#state = 'failed';
    const file = this.#file;
    if (file !== undefined) {
      await file.discard();
      if (committed !== undefined) await file.uncommit(committed);
    }
    this.#outcome.reject(error);
  }
}
