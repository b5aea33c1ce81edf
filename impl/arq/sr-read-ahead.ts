/**
 * The sender's file intake: the driver offers file bytes in order (any chunking), they are cut
 * into packet payloads and handed to `load` with their offset (1 for the first data packet).
 * A short tail waits for the next chunk, except the file's last packet. Every byte offered goes
 * through `digest` once, in order (file-digest.ts: the hash FIN carries when START deferred it).
 */
import type { SenderDigest } from './file-digest.ts';

export class ReadAhead {
  readonly fileSize: number;
  readonly payloadBytes: number;
  readonly #load: (offset: number, payload: Buffer) => void;
  readonly #digest: SenderDigest | undefined;
  readonly #lastData: number;
  /** The next offset to build. */
  #filled = 1;
  /** File bytes built into packets. */
  #built = 0;
  #pending: Buffer | null = null;

  constructor(
    fileSize: number,
    payloadBytes: number,
    load: (offset: number, payload: Buffer) => void,
    digest?: SenderDigest,
  ) {
    this.fileSize = fileSize;
    this.payloadBytes = payloadBytes;
    this.#load = load;
    this.#digest = digest;
    this.#lastData = Math.ceil(fileSize / payloadBytes);
  }

  /** Offsets below this one have their datagram. */
  get filled(): number {
    return this.#filled;
  }

  /** File bytes that would build every data packet below offset `upTo`. */
  wanted(upTo: number): number {
    const packets = Math.min(upTo, this.#lastData + 1) - this.#filled;
    if (packets <= 0) return 0;
    const bytes = Math.min(packets * this.payloadBytes, this.fileSize - this.#built);
    return Math.max(0, bytes - (this.#pending?.length ?? 0));
  }

  offer(chunk: Buffer): void {
    const pending = this.#pending?.length ?? 0;
    if (this.#built + pending + chunk.length > this.fileSize) {
      throw new RangeError('offered more bytes than the file holds');
    }
    this.#digest?.update(chunk);
    let data = chunk;
    if (this.#pending !== null) {
      // Complete the pending tail with just the bytes it lacks (not a copy of the whole chunk).
      const lacks = Math.min(this.payloadBytes, this.fileSize - this.#built) - pending;
      const take = Math.min(lacks, chunk.length);
      this.#pending = Buffer.concat([this.#pending, chunk.subarray(0, take)]);
      data = chunk.subarray(take);
      if (take < lacks) return;
      this.#emit(this.#pending);
      this.#pending = null;
    }
    const size = this.payloadBytes;
    while (
      data.length >= size ||
      (data.length > 0 && this.#built + data.length === this.fileSize)
    ) {
      const payload = data.subarray(0, Math.min(size, data.length));
      this.#emit(payload);
      data = data.subarray(payload.length);
    }
    this.#pending = data.length > 0 ? data : null;
  }

  #emit(payload: Buffer): void {
    this.#load(this.#filled++, payload);
    this.#built += payload.length;
  }
}
