import { createHash } from 'node:crypto';
import type { FileWriter } from '../platform/types.ts';

/**
 * Gathers in-order payloads into large chunks and writes them behind the receiver, hashing as
 * it goes. Two buffers at most: one filling, one being written (then reused). When both are
 * busy a payload is refused: the receiver drops the packet and Go-Back-N sends it again.
 */
export class WriteBehind {
  readonly #chunkBytes: number;
  readonly #fileSize: number;
  readonly #onError: (error: unknown) => void;
  readonly #hash = createHash('sha256');
  #writer: FileWriter | undefined;
  #buffer: Buffer | undefined;
  #inWrite: Buffer | undefined;
  #spare: Buffer | undefined;
  #filled = 0;
  #stored = 0;
  #writing = false;
  #largestPayload = 1;
  #onFinished: ((sha256: Buffer) => void) | undefined;
  #closed = false;

  constructor(chunkBytes: number, fileSize: number, onError: (error: unknown) => void) {
    this.#chunkBytes = chunkBytes;
    this.#fileSize = fileSize;
    this.#onError = onError;
  }

  /** Payload bytes accepted so far. */
  get stored(): number {
    return this.#stored;
  }

  /** The temporary file is ready: payloads gathered until now start flowing to it. */
  attach(writer: FileWriter): void {
    this.#writer = writer;
    this.#drain();
  }

  /** Takes a copy of the payload; false if there is no room right now. */
  store(payload: Buffer): boolean {
    const length = payload.length;
    if (length > this.#largestPayload) this.#largestPayload = length;
    if (this.#buffer !== undefined && this.#filled + length > this.#buffer.length) {
      if (this.#writing || this.#writer === undefined) return false;
      this.#flush();
    }
    if (this.#buffer === undefined) {
      const capacity = Math.max(length, Math.min(this.#chunkBytes, this.#fileSize));
      const spare = this.#spare;
      this.#spare = undefined;
      this.#buffer =
        spare !== undefined && spare.length >= capacity ? spare : Buffer.allocUnsafe(capacity);
    }
    payload.copy(this.#buffer, this.#filled);
    this.#filled += length;
    this.#stored += length;
    if (this.#isFull() && !this.#writing && this.#writer !== undefined) this.#flush();
    return true;
  }

  /** Writes what is left; `onFinished` gets the SHA-256 of everything once it is on file. */
  finish(onFinished: (sha256: Buffer) => void): void {
    this.#onFinished = onFinished;
    this.#drain();
  }

  /** Stops: buffers are dropped, callbacks no longer run. */
  close(): void {
    this.#closed = true;
    this.#buffer = this.#spare = this.#inWrite = undefined;
  }

  /** No room for another packet as large as the largest seen. */
  #isFull(): boolean {
    return this.#buffer !== undefined && this.#buffer.length - this.#filled < this.#largestPayload;
  }

  #flush(): void {
    const buffer = this.#buffer!;
    const chunk = buffer.subarray(0, this.#filled);
    this.#inWrite = buffer;
    this.#buffer = undefined;
    this.#filled = 0;
    this.#writing = true;
    this.#hash.update(chunk);
    this.#writer!.write(chunk).then(this.#onWritten, this.#onWriteError);
  }

  #drain(): void {
    if (this.#closed || this.#writer === undefined || this.#writing) return;
    const finishing = this.#onFinished !== undefined;
    if (this.#isFull() || (finishing && this.#filled > 0)) this.#flush();
    else if (finishing) this.#onFinished!(this.#hash.digest());
  }

  #onWritten = (): void => {
    this.#writing = false;
    // Both platforms are done with the bytes once write() resolves: the buffer is reusable.
    this.#spare = this.#inWrite;
    this.#inWrite = undefined;
    this.#drain();
  };

  #onWriteError = (error: unknown): void => {
    this.#writing = false;
    if (!this.#closed) this.#onError(error);
  };
}
