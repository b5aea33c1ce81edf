import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { WhohasError } from '../impl/errors.ts';

/**
 * Files that cost no memory (issue 18, item 6).
 *
 * A synthetic file's bytes are a deterministic function of (seed, name, offset), generated on
 * read: the AES-128-CTR keystream under a key derived from seed and name, where byte `o` is byte
 * `o mod 16` of the block encrypted with counter `floor(o / 16)`. So any range is generated
 * directly (no pass from the start), in hardware AES at several GB/s, and no layer can compress
 * or shortcut the bytes. A 100 GB file holds nothing but its size, seed and name.
 *
 * A digest-only copy is the other end: a file written through a FileWriter keeps its size and a
 * running SHA-256 of the stream, never the bytes; comparing that hash with the generator's
 * (`syntheticSha256`) checks every byte of the transfer.
 */

export interface SyntheticSpec {
  /** Bytes; any safe integer (100e9 is fine: nothing is allocated for it). */
  size: number;
  seed: number | string;
  /** Part of the content's identity; by default the file's base name. */
  name: string;
}

/** Buffers of up to this many bytes are generated in one cipher call. */
const ZERO_BYTES = 1 << 20;
const zeros = Buffer.alloc(ZERO_BYTES);

export class SyntheticSource {
  readonly size: number;
  readonly #key: Buffer;
  #sha256: string | undefined;

  constructor(readonly spec: SyntheticSpec) {
    if (!Number.isSafeInteger(spec.size) || spec.size < 0) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `synthetic size must be a whole number ≥ 0, got ${spec.size}`,
      );
    }
    this.size = spec.size;
    this.#key = createHash('sha256')
      .update(`whohas-synthetic\0${String(spec.seed)}\0${spec.name}`)
      .digest()
      .subarray(0, 16);
  }

  /** Bytes [position, position + length) clipped to the file, as a fresh Buffer. */
  read(position: number, length: number): Buffer {
    const start = Math.max(0, Math.min(position, this.size));
    const end = Math.max(start, Math.min(position + length, this.size));
    if (end === start) return Buffer.alloc(0);
    const block = Math.floor(start / 16);
    const skip = start - block * 16;
    const cipher = createCipheriv('aes-128-ctr', this.#key, counterBlock(block));
    const total = skip + (end - start);
    const parts: Buffer[] = [];
    for (let done = 0; done < total; done += ZERO_BYTES) {
      parts.push(cipher.update(zeros.subarray(0, Math.min(ZERO_BYTES, total - done))));
    }
    const stream = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
    return stream.subarray(skip);
  }

  /** The SHA-256 (hex) of the whole content, generated once and remembered. */
  sha256(): string {
    if (this.#sha256 === undefined) {
      const hash = createHash('sha256');
      const cipher = createCipheriv('aes-128-ctr', this.#key, counterBlock(0));
      for (let done = 0; done < this.size; done += ZERO_BYTES) {
        hash.update(cipher.update(zeros.subarray(0, Math.min(ZERO_BYTES, this.size - done))));
      }
      this.#sha256 = hash.digest('hex');
    }
    return this.#sha256;
  }
}

/** The 16-byte big-endian counter block numbered `block` (node's CTR counts the whole block). */
function counterBlock(block: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8);
  iv.writeUInt32BE(block % 2 ** 32, 12);
  return iv;
}

const sources = new Map<string, SyntheticSource>();

/** The generator's SHA-256 (hex) of a synthetic content: what a digest-only copy must match. */
export function syntheticSha256(spec: SyntheticSpec): string {
  const key = `${spec.size}\0${String(spec.seed)}\0${spec.name}`;
  let source = sources.get(key);
  if (source === undefined) {
    source = new SyntheticSource(spec);
    sources.set(key, source);
  }
  return source.sha256();
}

/** A written stream kept as its size and running SHA-256 only. */
export class DigestSink {
  size = 0;
  readonly #hash: Hash = createHash('sha256');

  update(data: Uint8Array): void {
    this.#hash.update(data);
    this.size += data.length;
  }

  /** The SHA-256 (hex) of everything written so far; writing may go on. */
  sha256(): string {
    return this.#hash.copy().digest('hex');
  }
}
