import { WhohasError } from '../errors.ts';
import type { FileReader } from '../platform/types.ts';

/**
 * The sender's file, read front to back in large chunks only as far as the core asks: one chunk
 * being handed out and at most one more being read, whatever the file size. A chunk is handed
 * to the core as views (the core keeps them until acknowledged), never copied.
 */
export class ReadAhead {
  readonly #file: FileReader;
  readonly #chunkBytes: number;
  readonly #onReady: () => void;
  readonly #onError: (error: unknown) => void;
  #current: Buffer | undefined;
  #offset = 0;
  #next: Buffer | undefined;
  #reading = false;
  /** The next file position to read. */
  #position = 0;
  /** File bytes handed out so far. */
  #offered = 0;
  #closed = false;

  /**
   * `chunkBytes` should be a multiple of the packet payload so no packet straddles two chunks.
   * `onReady` runs when a read completes (more data can be offered).
   */
  constructor(
    file: FileReader,
    chunkBytes: number,
    onReady: () => void,
    onError: (error: unknown) => void,
  ) {
    this.#file = file;
    this.#chunkBytes = Math.max(1, chunkBytes);
    this.#onReady = onReady;
    this.#onError = onError;
  }

  /** File bytes handed out so far. */
  get offered(): number {
    return this.#offered;
  }

  /** Bytes read from the file and not yet handed out (the read-ahead's memory). */
  get buffered(): number {
    return (this.#current ? this.#current.length - this.#offset : 0) + (this.#next?.length ?? 0);
  }

  /**
   * Hands up to `wanted` bytes, in order, to `take`, from what is already read; starts the next
   * read if the core wants more than is at hand. Returns the bytes handed out.
   */
  offer(wanted: number, take: (chunk: Buffer) => void): number {
    let given = 0;
    while (given < wanted && !this.#closed) {
      if (this.#current === undefined || this.#offset === this.#current.length) {
        this.#current = this.#next;
        this.#next = undefined;
        this.#offset = 0;
        if (this.#current === undefined) break;
      }
      const length = Math.min(wanted - given, this.#current.length - this.#offset);
      take(this.#current.subarray(this.#offset, this.#offset + length));
      this.#offset += length;
      given += length;
    }
    this.#offered += given;
    if (wanted > 0) this.#readNext();
    return given;
  }

  close(): void {
    this.#closed = true;
    this.#current = this.#next = undefined;
  }

  #readNext(): void {
    const size = this.#file.size;
    if (this.#closed || this.#reading || this.#next !== undefined || this.#position >= size) return;
    this.#reading = true;
    const position = this.#position;
    const length = Math.min(this.#chunkBytes, size - position);
    this.#position = position + length;
    this.#file.read(position, length).then(
      (chunk) => this.#onRead(chunk, length),
      (error) => {
        this.#reading = false;
        if (!this.#closed) this.#onError(error);
      },
    );
  }

  #onRead(chunk: Buffer, expected: number): void {
    this.#reading = false;
    if (this.#closed) return;
    if (chunk.length !== expected) {
      this.#onError(new WhohasError('IO_ERROR', 'the file changed size during the transfer'));
      return;
    }
    this.#next = chunk;
    this.#onReady();
  }
}
