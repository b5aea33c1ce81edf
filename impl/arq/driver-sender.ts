/**
 * The sending side of a transfer: runs an ArqSenderCore on a bound datagram socket, feeding it
 * the file through a bounded read-ahead as far as the core asks (dataWanted).
 */
import { WhohasError } from '../errors.ts';
import type {
  AddressInfo,
  DatagramSocket,
  FileReader,
  Platform,
  RemoteInfo,
} from '../platform/types.ts';
import { HEADER_BYTES, SHA256_BYTES } from './codec.ts';
import type { ArqSenderCore } from './core.ts';
import { DriverEndpoint } from './driver-endpoint.ts';
import { ReadAhead } from './driver-read-ahead.ts';
import {
  checkTransferId,
  failureError,
  ioError,
  type Settlement,
  settlement,
  sizeSocketBuffer,
} from './driver-shared.ts';
import {
  resolveTransferOptions,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
import { type SenderCoreFactory, senderCoreFor } from './schemes.ts';
import { StatsRecorder, type TransferStats } from './stats.ts';

export interface TransferSenderInit {
  platform: Platform;
  /** A bound datagram socket; the sender owns it from now on and closes it when done. */
  socket: DatagramSocket;
  peer: AddressInfo;
  transferId: number;
  /** The file to send; the sender closes it when done. */
  file: FileReader;
  /**
   * SHA-256 of the file if known (START carries it); otherwise the core hashes the bytes as they
   * are sent and FIN carries it (file-digest.ts): no pre-pass before the first packet.
   */
  sha256?: Uint8Array;
  options?: TransferOptionsInput;
  /** The core to run; by default the one this build registers for `options.arq`. */
  core?: SenderCoreFactory;
}

export class TransferSender extends DriverEndpoint<ArqSenderCore> {
  readonly done: Promise<TransferStats>;
  /** Resolves once the receiver echoed the token (its address is proven); rejects on failure. */
  readonly validated: Promise<void>;
  readonly #platform: Platform;
  readonly #file: FileReader;
  readonly #options: TransferOptions;
  readonly #makeCore: SenderCoreFactory;
  readonly #reader: ReadAhead;
  readonly #outcome: Settlement<TransferStats> = settlement();
  readonly #validation: Settlement<void> = settlement();
  #sha256: Uint8Array | undefined;

  constructor(init: TransferSenderInit) {
    checkTransferId(init.transferId);
    if (init.sha256 !== undefined && init.sha256.length !== SHA256_BYTES) {
      throw new WhohasError('BAD_ARGUMENT', 'sha256 must be 32 bytes');
    }
    const options = resolveTransferOptions(init.options);
    const makeCore = init.core ?? senderCoreFor(options.arq);
    super(init.platform.clock, init.socket, init.transferId, init.peer);
    this.#platform = init.platform;
    this.#file = init.file;
    this.#options = options;
    this.#makeCore = makeCore;
    this.#sha256 = init.sha256;
    const payload = options.packetSize - HEADER_BYTES;
    const chunk = Math.max(1, Math.floor(options.readChunkBytes / payload)) * payload;
    this.#reader = new ReadAhead(init.file, chunk, () => this.flush(), this.#onReadError);
    this.done = this.#outcome.promise;
    this.validated = this.#validation.promise;
    sizeSocketBuffer(
      (bytes) => init.socket.setSendBufferSize(bytes),
      options.window,
      options.packetSize,
    );
    // START goes out once the constructor has returned (the caller may announce the port first).
    void Promise.resolve().then(() => this.#begin());
  }

  /** The file's SHA-256: given, or once every byte was sent (FIN carries it); undefined before. */
  get sha256(): Uint8Array | undefined {
    return this.#sha256 ?? this.core?.sha256;
  }

  /** Live statistics (a frozen snapshot). */
  get stats(): TransferStats {
    return this.statsOf(this.core, new StatsRecorder().snapshot(this.clock.now()));
  }

  /** File bytes read ahead of the core and not yet handed to it. */
  get readAheadBytes(): number {
    return this.#reader.buffered;
  }

  /** Gives up: the core tells the receiver (ABORT, repeated) and `done` rejects with `code`. */
  abort(
    message: string,
    code: 'TRANSFER_ABORTED' | 'TRANSFER_TIMEOUT' | 'SLOTS_FULL' = 'TRANSFER_ABORTED',
  ): void {
    if (this.closed || this.#outcome.settled) return;
    const error = new WhohasError(code, message);
    if (this.core === undefined) {
      this.#end(error);
      return;
    }
    this.core.abort(code, message, this.clock.now());
    this.flush();
  }

  #begin(): void {
    if (this.closed) return;
    const random = this.#platform.random;
    this.core = this.#makeCore({
      transferId: this.transferId,
      isn: random.int(0, 0xffff_ffff),
      token: random.bytes(8).readBigUInt64BE(0),
      fileSize: this.#file.size,
      sha256: this.#sha256 ?? null,
      options: this.#options,
      now: this.clock.now(),
    });
    this.flush();
  }

  protected deliver(msg: Buffer, _rinfo: RemoteInfo): void {
    if (this.core === undefined)
      this.ignored++; // closed before the core existed: nothing was sent
    else this.core.handleDatagram(msg, this.clock.now());
  }

  protected service(): boolean {
    const core = this.core!;
    if (core.status !== 'active') return false;
    const wanted = core.dataWanted();
    if (wanted <= 0) return false;
    return this.#reader.offer(wanted, (chunk) => core.offerData(chunk)) > 0;
  }

  protected settle(): void {
    const core = this.core;
    if (core === undefined) return;
    if (core.validated) this.#validation.resolve();
    if (core.status === 'done') {
      this.#outcome.resolve(this.stats);
      this.#end(undefined);
    } else if (core.status === 'failed') {
      const error = failureError(core.failure);
      this.#validation.reject(error);
      this.#outcome.reject(error);
      this.#reader.close();
      // The core repeats its ABORT (or answers one) until it has nothing left to do.
      if (core.pollTimeout() === null) this.#end(undefined);
    }
  }

  protected lost(error: WhohasError): void {
    this.#end(error);
  }

  #onReadError = (error: unknown): void => {
    const failure = error instanceof WhohasError ? error : ioError('cannot read the file', error);
    if (this.core === undefined || this.core.status !== 'active') return;
    this.core.abort(failure.code, failure.message, this.clock.now());
    this.flush();
  };

  /** Settles (if not yet) with `error`, stops the socket and closes the file. */
  #end(error: WhohasError | undefined): void {
    if (error !== undefined) {
      this.#validation.reject(error);
      this.#outcome.reject(error);
    }
    if (this.closed) return;
    this.#reader.close();
    this.close();
    this.#file.close().catch(() => {});
  }
}
