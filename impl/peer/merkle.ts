/**
 * Files named by content (docs/PROTOCOL.md, "Content and chunks"): the file's SHA-256, and a
 * Merkle tree over fixed-size chunks (as Direct Connect's TTH, with SHA-256): leaf `i` is
 * SHA-256(0x00 ‖ chunk i), an inner node SHA-256(0x01 ‖ left ‖ right), an odd node is carried up
 * unchanged (RFC 6962's domain separation, so a leaf can never pass for an inner node). A
 * requester that holds the leaves checks each chunk as it lands; the root, announced in `have`,
 * checks the leaves. Pure: hashing only, no I/O but the FileReader it is handed.
 */
import { createHash } from 'node:crypto';
import type { FileReader } from '../platform/types.ts';

/** Chunk size of the tree: 1 MiB (the unit a leaf checks and resume keeps; 100 chunks per 100 MB). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Smallest and largest chunk an owner may announce (a leaf list stays small: 32 B per chunk). */
export const MIN_CHUNK_BYTES = 16 * 1024;
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
export const LEAF_BYTES = 32;

export function leafHash(chunk: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(chunk).digest();
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The root of the tree over `leaves` (at least one). */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) throw new RangeError('a tree needs at least one leaf');
  let level: Buffer[] = leaves.map((leaf) => Buffer.from(leaf));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

/** Chunks of a file of `size` bytes (an empty file still has one, empty, chunk). */
export function chunkCount(size: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(size / chunkBytes));
}

/** Byte range of chunk `index`. */
export function chunkRange(
  size: number,
  chunkBytes: number,
  index: number,
): { offset: number; length: number } {
  const offset = index * chunkBytes;
  return { offset, length: Math.max(0, Math.min(chunkBytes, size - offset)) };
}

/** The leaves as one buffer (what the owner sends as the tree) and back. */
export function packLeaves(leaves: readonly Uint8Array[]): Buffer {
  return Buffer.concat(leaves.map((leaf) => Buffer.from(leaf)));
}

export function unpackLeaves(bytes: Uint8Array): Buffer[] | undefined {
  if (bytes.length === 0 || bytes.length % LEAF_BYTES !== 0) return undefined;
  const leaves: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += LEAF_BYTES) {
    leaves.push(Buffer.from(bytes.subarray(at, at + LEAF_BYTES)));
  }
  return leaves;
}

export interface ContentHashes {
  size: number;
  sha256: Buffer;
  chunkBytes: number;
  leaves: Buffer[];
  root: Buffer;
}

/** Reads `reader` once, in chunks, computing the file's SHA-256 and the tree's leaves. */
export async function hashContent(reader: FileReader, chunkBytes: number): Promise<ContentHashes> {
  const whole = createHash('sha256');
  const leaves: Buffer[] = [];
  const size = reader.size;
  for (let index = 0; index < chunkCount(size, chunkBytes); index++) {
    const { offset, length } = chunkRange(size, chunkBytes, index);
    const chunk = length === 0 ? Buffer.alloc(0) : await reader.read(offset, length);
    if (chunk.length !== length) throw new Error(`the file shrank while it was hashed`);
    whole.update(chunk);
    leaves.push(leafHash(chunk));
  }
  return { size, sha256: whole.digest(), chunkBytes, leaves, root: merkleRoot(leaves) };
}
