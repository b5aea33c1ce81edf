import { WhohasError } from '../errors.ts';
import type { FileReader } from '../platform/types.ts';

/**
 * Reads a file front to back in large chunks, one chunk ahead of the sender: at most two chunks
 * in memory whatever the file size. Positions asked for must move forward.
 */
export class ReadAhead {
  readonly #file: FileReader;
  readonly #chunkBytes: number;
  readonly #onReady: () => void;
  readonly #onError: (error: unknown) => void;
  #chunk: Buffer | undefined;
  #chunkStart = 0;
  #prefetch: Buffer | undefined;
  #prefetchStart = 0;
  #reading = false;
  #readPosition = 0;
  #closed = false;

  /**
   * `chunkBytes` should be a multiple of the packet payload so no packet straddles two chunks.
   * `onReady` runs when a read the caller waited for has completed.
   */
  constructor(
    file: FileReader,
    chunkBytes: number,
    onReady: () => void,
    onError: (error: unknown) => void,
  ) {
    this.#file = file;
    this.#chunkBytes = chunkBytes;
    this.#onReady = onReady;
    this.#onError = onError;
  }

  /**
   * Copies `length` bytes of the file at `position` into `target` at `targetStart`. Returns
   * false if they are still being read; `onReady` follows.
   */
  copy(target: Buffer, targetStart: number, position: number, length: number): boolean {
    if (this.#chunk === undefined || position >= this.#chunkStart + this.#chunk.length) {
      if (this.#prefetch === undefined || this.#prefetchStart !== position) {
        this.#readNext();
        return false;
      }
      this.#chunk = this.#prefetch;
      this.#chunkStart = this.#prefetchStart;
      this.#prefetch = undefined;
      this.#readNext();
    }
    const offset = position - this.#chunkStart;
    this.#chunk.copy(target, targetStart, offset, offset + length);
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#chunk = this.#prefetch = undefined;
  }

  #readNext(): void {
    const size = this.#file.size;
    if (this.#reading || this.#prefetch !== undefined || this.#readPosition >= size) return;
    this.#reading = true;
    const position = this.#readPosition;
    const length = Math.min(this.#chunkBytes, size - position);
    this.#readPosition = position + length;
    this.#prefetchStart = position;
    this.#file.read(position, length).then(this.#onRead, this.#onReadError);
  }

  #onRead = (chunk: Buffer): void => {
    this.#reading = false;
    if (this.#closed) return;
    const expected = Math.min(this.#chunkBytes, this.#file.size - this.#prefetchStart);
    if (chunk.length !== expected) {
      this.#onError(new WhohasError('IO_ERROR', 'the file changed size during the transfer'));
      return;
    }
    this.#prefetch = chunk;
    this.#onReady();
  };

  #onReadError = (error: unknown): void => {
    this.#reading = false;
    if (!this.#closed) this.#onError(error);
  };
}
