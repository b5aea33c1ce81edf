/**
 * The owner's knowledge of what its files hold (docs/PROTOCOL.md, "Content and chunks"): the
 * SHA-256 and chunk tree of each shared file, keyed by path and checked against the open file's
 * identity (FileReader.identity), so a changed file is hashed again. Hashing reads the file once,
 * in the background; `whohas` waits for it at most HASH_WAIT_MS and otherwise answers without
 * the hash (the next answer has it). A file with no identity (changed in the last 2 s on Node) is
 * hashed each time it is asked for and never remembered.
 */
import type { Clock, FileReader, FileSystem } from '../platform/types.ts';
import { type ContentHashes, DEFAULT_CHUNK_BYTES, hashContent } from './merkle.ts';

/** How long a `have` waits for a file being hashed before it goes without the hash. */
export const HASH_WAIT_MS = 500;
/** Files remembered at most (oldest use dropped first): 32 bytes per chunk each. */
export const CONTENT_CACHE_ENTRIES = 1024;

export class ContentCache {
  readonly #fs: FileSystem;
  readonly #chunkBytes: number;
  readonly #limit: number;
  readonly #entries = new Map<string, { identity: string; hashes: ContentHashes }>();
  readonly #running = new Map<string, Promise<ContentHashes | undefined>>();

  constructor(fs: FileSystem, chunkBytes = DEFAULT_CHUNK_BYTES, limit = CONTENT_CACHE_ENTRIES) {
    this.#fs = fs;
    this.#chunkBytes = chunkBytes;
    this.#limit = limit;
  }

  get chunkBytes(): number {
    return this.#chunkBytes;
  }

  /** The hashes of `path` if they were computed for this same file (identity), else undefined. */
  get(path: string, reader: FileReader): ContentHashes | undefined {
    const entry = this.#entries.get(path);
    if (entry === undefined || reader.identity === undefined) return undefined;
    if (entry.identity !== reader.identity) {
      this.#entries.delete(path);
      return undefined;
    }
    this.#entries.delete(path); // most recently used last
    this.#entries.set(path, entry);
    return entry.hashes;
  }

  /** The hashes of the open file: remembered, or computed now (and remembered if it can be). */
  async of(path: string, reader: FileReader): Promise<ContentHashes> {
    const known = this.get(path, reader);
    if (known !== undefined) return known;
    const hashes = await hashContent(reader, this.#chunkBytes);
    if (reader.identity !== undefined) {
      this.#entries.set(path, { identity: reader.identity, hashes });
      while (this.#entries.size > this.#limit) {
        this.#entries.delete(this.#entries.keys().next().value as string);
      }
    }
    return hashes;
  }

  /**
   * The hashes of `path`, opening it; one hashing per path at a time. Resolves undefined when
   * the file cannot be read, or when `waitMs` passes first (the hashing goes on in the background).
   */
  async lookup(
    path: string,
    clock: Clock,
    waitMs = HASH_WAIT_MS,
  ): Promise<ContentHashes | undefined> {
    let running = this.#running.get(path);
    if (running === undefined) {
      running = this.#hashPath(path);
      this.#running.set(path, running);
      const forget = () => this.#running.delete(path);
      running.then(forget, forget);
    }
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = clock.setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      return await Promise.race([running, late]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async #hashPath(path: string): Promise<ContentHashes | undefined> {
    let reader: FileReader | undefined;
    try {
      reader = await this.#fs.openRead(path);
      return await this.of(path, reader);
    } catch {
      return undefined; // gone or unreadable: the answer goes without a hash
    } finally {
      await reader?.close().catch(() => undefined);
    }
  }
}
