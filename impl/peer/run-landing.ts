/**
 * Lands a second copy of a run (chunk-runs.ts; the endgame's copy, while the first is received
 * in place into the data file, chunk-store.ts): the owner sent chunks `first ..` as one byte
 * range, committed in the download folder as `.whohas-<id>-r<first>.part`. Each chunk is read
 * from it, checked against its leaf and, when it matches and is not held yet, written at its
 * offset in the data file; then the run file goes. Reads one chunk at a time, so a 64 MiB run
 * never sits in memory. A run file a crash left before that is landed by the next download of
 * the content (salvageRuns).
 */
import { posix } from 'node:path';
import { TEMP_PREFIX, TEMP_SUFFIX } from '../platform/temp-name.ts';
import type { FileSystem } from '../platform/types.ts';
import type { Run } from './chunk-runs.ts';
import type { ChunkStore } from './chunk-store.ts';
import { chunkCount, chunkRange, leafHash } from './merkle.ts';
import { type Content, resumeId } from './resume.ts';

export const runName = (content: Content, first: number): string =>
  `${TEMP_PREFIX}${resumeId(content)}-r${first}${TEMP_SUFFIX}`;

export interface Landed {
  /** Chunks newly held from this run. */
  kept: number[];
  /** Chunks whose bytes did not match their leaf (the owner lied or its disk did). */
  bad: number[];
  /** Chunks held before that no longer are (only a check in place finds those). */
  lost?: number[];
}

export async function landRun(
  fs: FileSystem,
  store: ChunkStore,
  content: Content,
  leaves: readonly Buffer[],
  run: Run,
  path: string,
): Promise<Landed> {
  const landed: Landed = { kept: [], bad: [] };
  const { size, tree } = content;
  const base = run.first * tree.chunkBytes;
  const reader = await fs.openRead(path);
  try {
    for (let index = run.first; index < run.first + run.count; index++) {
      const { offset, length } = chunkRange(size, tree.chunkBytes, index);
      const bytes = length === 0 ? Buffer.alloc(0) : await reader.read(offset - base, length);
      if (bytes.length !== length || !leafHash(bytes).equals(leaves[index])) {
        landed.bad.push(index);
        continue;
      }
      if (await store.put(index, bytes)) landed.kept.push(index); // false: another was first
    }
    if (landed.kept.length > 0) await store.record();
  } finally {
    await reader.close().catch(() => undefined);
    await fs.remove(path).catch(() => undefined);
  }
  return landed;
}

/**
 * Lands the run files of this content that a crash left in `dir` (each chunk checked against
 * its leaf, as when it landed) into the store; returns the bytes so kept.
 */
export async function salvageRuns(
  fs: FileSystem,
  dir: string,
  content: Content,
  leaves: readonly Buffer[],
  store: ChunkStore,
): Promise<number> {
  const count = chunkCount(content.size, content.tree.chunkBytes);
  let bytes = 0;
  for (const entry of await fs.list(dir).catch(() => [])) {
    const first = runFirst(content, entry.name);
    if (first === undefined || first >= count) continue;
    const path = posix.join(dir, entry.name);
    const { size } = await fs.stat(path);
    const run = {
      first,
      count: Math.min(count - first, Math.ceil(size / content.tree.chunkBytes)),
    };
    const landed = await landRun(fs, store, content, leaves, run, path);
    for (const index of landed.kept) bytes += store.length(index);
  }
  return bytes;
}

/** The first chunk of a run file of this content, from its name. */
function runFirst(content: Content, name: string): number | undefined {
  const head = `${TEMP_PREFIX}${resumeId(content)}-r`;
  if (!name.startsWith(head) || !name.endsWith(TEMP_SUFFIX)) return undefined;
  const digits = name.slice(head.length, name.length - TEMP_SUFFIX.length);
  return /^\d{1,9}$/.test(digits) ? Number(digits) : undefined;
}
