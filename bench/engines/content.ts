/**
 * The file a benchmark moves: pseudo-random bytes (so no layer can compress or shortcut them),
 * the same for a given size in every run and every process, with its SHA-256.
 */
import { createHash } from 'node:crypto';

export interface Content {
  bytes: Buffer;
  sha256: Buffer;
}

/** xorshift32 over 32-bit words: ~1 GB/s, deterministic, no dependency. */
export function makeContent(size: number): Content {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = 0x9e3779b9 ^ size;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  const bytes = Buffer.from(words.buffer, 0, size);
  return { bytes, sha256: createHash('sha256').update(bytes).digest() };
}

/** One content per size, kept for the life of a worker: a sweep reuses a few sizes many times. */
export class ContentCache {
  readonly #bySize = new Map<number, Content>();

  get(size: number): Content {
    let content = this.#bySize.get(size);
    if (!content) {
      content = makeContent(size);
      this.#bySize.set(size, content);
    }
    return content;
  }
}
