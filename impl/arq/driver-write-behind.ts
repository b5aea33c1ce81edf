import type { FileWriter } from '../platform/types.ts';

/**
 * The receiver's in-order bytes, copied into large chunks and written behind, one write at a
 * time. No hashing here: the receiver core already hashed every byte it delivered and checks the
 * digest at FIN (see core.ts). `store` never refuses (what was
 * received is never dropped); `room` is what is left of the soft limit, which the driver tells
 * the core so that its advertised window slows the sender down to the disk's pace.
 */
export class WriteBehind {
  readonly #chunkBytes: number;
  readonly #limitBytes: number;
  readonly #expectedBytes: number;
  readonly #onWritten: () => void;
  readonly #onError: (error: unknown) => void;
  #writer: FileWriter | undefined;
  /** The chunk being filled. */
  #fill: Buffer | undefined;
  #filled = 0;
  /** Full chunks waiting for the writer, oldest first. */
  readonly #ready: Buffer[] = [];
  #writing: Buffer | undefined;
  #spare: Buffer | undefined;
  #pending = 0;
  #stored = 0;
  #finishing: (() => void) | undefined;
  #closed = false;

  /**
   * `limitBytes` is the soft bound `room` counts down from; `expectedBytes` (the announced file
   * size) keeps chunks small for small files. `onWritten` runs after each completed write.
   */
  constructor(options: {
    chunkBytes: number;
    limitBytes: number;
    expectedBytes: number;
    onWritten: () => void;
    onError: (error: unknown) => void;
  }) {
    this.#chunkBytes = Math.max(1, options.chunkBytes);
    this.#limitBytes = options.limitBytes;
    this.#expectedBytes = options.expectedBytes;
    this.#onWritten = options.onWritten;
    this.#onError = options.onError;
  }

  /** Bytes taken so far. */
  get stored(): number {
    return this.#stored;
  }

  /** Bytes taken and not yet on file. */
  get pending(): number {
    return this.#pending;
  }

  /** What the driver can still buffer before its writes catch up (0 when over the limit). */
  get room(): number {
    return Math.max(0, this.#limitBytes - this.#pending);
  }

  /** The temporary file is ready: chunks gathered until now start flowing to it. */
  attach(writer: FileWriter): void {
    this.#writer = writer;
    this.#pump();
  }

  /** Copies `bytes` (views into datagrams may be reused after this returns). */
  store(bytes: Buffer): void {
    if (this.#closed) return;
    let at = 0;
    while (at < bytes.length) {
      if (this.#fill === undefined) this.#fill = this.#newChunk();
      const length = Math.min(bytes.length - at, this.#fill.length - this.#filled);
      bytes.copy(this.#fill, this.#filled, at, at + length);
      this.#filled += length;
      at += length;
      if (this.#filled === this.#fill.length) this.#seal();
    }
    this.#stored += bytes.length;
    this.#pending += bytes.length;
    this.#pump();
  }

  /** Writes what is left; `onFinished` runs once everything is on file. */
  finish(onFinished: () => void): void {
    if (this.#filled > 0) this.#seal();
    this.#finishing = onFinished;
    this.#pump();
  }

  /** Stops: buffers are dropped, callbacks no longer run. */
  close(): void {
    this.#closed = true;
    this.#fill = this.#spare = this.#writing = undefined;
    this.#ready.length = 0;
  }

  #newChunk(): Buffer {
    const left = Math.max(1, this.#expectedBytes - this.#stored - this.#filled);
    const capacity = Math.min(this.#chunkBytes, left);
    const spare = this.#spare;
    this.#spare = undefined;
    return spare !== undefined && spare.length === capacity ? spare : Buffer.allocUnsafe(capacity);
  }

  #seal(): void {
    this.#ready.push(this.#fill!.subarray(0, this.#filled));
    this.#fill = undefined;
    this.#filled = 0;
  }

  #pump(): void {
    if (this.#closed || this.#writer === undefined || this.#writing !== undefined) return;
    const chunk = this.#ready.shift();
    if (chunk === undefined) {
      const finished = this.#finishing;
      if (finished !== undefined && this.#filled === 0) {
        this.#finishing = undefined;
        finished();
      }
      return;
    }
    this.#writing = chunk;
    this.#writer.write(chunk).then(this.#written, this.#failed);
  }

  #written = (): void => {
    if (this.#closed) return;
    const chunk = this.#writing!;
    this.#writing = undefined;
    this.#pending -= chunk.length;
    // Both platforms are done with the bytes once write() resolves: the buffer is reusable.
    if (chunk.length === chunk.buffer.byteLength) this.#spare = chunk;
    this.#pump();
    this.#onWritten();
  };

  #failed = (error: unknown): void => {
    this.#writing = undefined;
    if (!this.#closed) this.#onError(error);
  };
}
