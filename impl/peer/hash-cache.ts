/**
 * The owner's SHA-256 of files it sent before, keyed by path and checked against the open file's
 * identity (FileReader.identity: device, inode, size, change times on Node), so a file shared
 * once is not read a second time to hash it before the next send. A changed file has another
 * identity and is hashed again. Only hashes of transfers the receiver verified are kept.
 */
import type { FileReader } from '../platform/types.ts';

/** Files remembered at most (oldest use dropped first): 32 bytes and a key each. */
export const HASH_CACHE_ENTRIES = 4096;

export class HashCache {
  readonly #entries = new Map<string, { identity: string; sha256: Uint8Array }>();
  readonly #limit: number;

  constructor(limit = HASH_CACHE_ENTRIES) {
    this.#limit = limit;
  }

  /** The hash of `path` if it was stored for this same file (identity), else undefined. */
  get(path: string, reader: FileReader): Uint8Array | undefined {
    const entry = this.#entries.get(path);
    if (entry === undefined || reader.identity === undefined) return undefined;
    if (entry.identity !== reader.identity) {
      this.#entries.delete(path);
      return undefined;
    }
    // Most recently used last: the first key is the one to drop.
    this.#entries.delete(path);
    this.#entries.set(path, entry);
    return entry.sha256;
  }

  /** Remembers `sha256` for `path` as opened by `reader` (nothing if it has no identity). */
  set(path: string, reader: FileReader, sha256: Uint8Array): void {
    if (reader.identity === undefined) return;
    this.#entries.delete(path);
    this.#entries.set(path, { identity: reader.identity, sha256 });
    while (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
