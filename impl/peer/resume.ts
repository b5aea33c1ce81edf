/**
 * What a chunked download keeps between runs (docs/PROTOCOL.md, "Resume"): in the download
 * folder, under the temporary-file naming rule but with no writer named, so the stale-partial
 * sweep keeps them until `--stale-after` (a writer's own `+<owner>.part` file of a chunk in
 * flight is still swept once that writer is gone):
 *
 *   .whohas-<id>-tree.part      the leaves of the file's chunk tree, 32 bytes per chunk
 *   .whohas-<id>-c<i>.part      chunk i, as it arrived
 *
 * `<id>` is the first 32 hex digits of the file's SHA-256. Nothing here is trusted: a later
 * download re-reads the tree (its root must be the one the owners announce now) and every chunk
 * (its leaf must match), and removes what does not match. The final file is assembled from the
 * chunks into a new temporary file, hashed whole and committed without overwriting.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { commitWithoutOverwrite } from '../arq/files.ts';
import { WhohasError } from '../errors.ts';
import { TEMP_PREFIX, TEMP_SUFFIX } from '../platform/temp-name.ts';
import type { FileSystem } from '../platform/types.ts';
import { landingName } from './landing-name.ts';
import { chunkCount, chunkRange, leafHash, merkleRoot, unpackLeaves } from './merkle.ts';
import type { TreeId } from './message-fields.ts';

/** The content a chunked download fetches: its hash, size and tree, as the owners announce. */
export interface Content {
  file: string;
  size: number;
  sha256: string;
  tree: TreeId;
}

export const resumeId = (content: Content): string => content.sha256.slice(0, 32);
export const treeName = (content: Content): string =>
  `${TEMP_PREFIX}${resumeId(content)}-tree${TEMP_SUFFIX}`;
export const chunkName = (content: Content, index: number): string =>
  `${TEMP_PREFIX}${resumeId(content)}-c${index}${TEMP_SUFFIX}`;

export interface ResumeState {
  /** The verified leaves, when a tree was kept. */
  leaves: Buffer[] | undefined;
  /** Chunks kept and verified against their leaves. */
  held: Set<number>;
  /** Bytes of those chunks: what this download need not fetch again. */
  resumedBytes: number;
}

/** Leaves that belong to this content: the right count, and the announced root. */
export function leavesMatch(content: Content, leaves: readonly Buffer[] | undefined): boolean {
  return (
    leaves !== undefined &&
    leaves.length === chunkCount(content.size, content.tree.chunkBytes) &&
    merkleRoot(leaves).toString('hex') === content.tree.root
  );
}

/** Reads what an earlier run kept in `dir`, removing whatever does not match the content. */
export async function loadResume(
  fs: FileSystem,
  dir: string,
  content: Content,
): Promise<ResumeState> {
  const state: ResumeState = { leaves: undefined, held: new Set(), resumedBytes: 0 };
  const names = new Set((await fs.list(dir).catch(() => [])).map((entry) => entry.name));
  if (names.has(treeName(content))) {
    const leaves = unpackLeaves(await readOrEmpty(fs, posix.join(dir, treeName(content))));
    if (leavesMatch(content, leaves)) state.leaves = leaves;
    else await fs.remove(posix.join(dir, treeName(content))).catch(() => undefined);
  }
  const count = chunkCount(content.size, content.tree.chunkBytes);
  for (let index = 0; index < count; index++) {
    if (!names.has(chunkName(content, index))) continue;
    if (state.leaves !== undefined && (await verifyChunk(fs, dir, content, state.leaves, index))) {
      state.held.add(index);
      state.resumedBytes += chunkRange(content.size, content.tree.chunkBytes, index).length;
    } else {
      await fs.remove(posix.join(dir, chunkName(content, index))).catch(() => undefined);
    }
  }
  return state;
}

/** Whether chunk `index` on file has the right length and leaf; a bad one is removed. */
export async function verifyChunk(
  fs: FileSystem,
  dir: string,
  content: Content,
  leaves: readonly Buffer[],
  index: number,
): Promise<boolean> {
  const path = posix.join(dir, chunkName(content, index));
  const bytes = await readOrEmpty(fs, path);
  const { length } = chunkRange(content.size, content.tree.chunkBytes, index);
  if (bytes.length === length && leafHash(bytes).equals(leaves[index])) return true;
  await fs.remove(path).catch(() => undefined);
  return false;
}

/**
 * Joins the chunks into the file under a free name in `outDir`, verifying the whole SHA-256
 * before the commit; the chunks and tree go once it is committed. A mismatch (it cannot happen
 * with verified chunks, short of a disk fault) discards them all and fails HASH_MISMATCH.
 */
export async function assemble(fs: FileSystem, dir: string, content: Content): Promise<string> {
  const count = chunkCount(content.size, content.tree.chunkBytes);
  const writer = await fs.createTemp(dir, content.file);
  const whole = createHash('sha256');
  let committed = false;
  try {
    for (let index = 0; index < count; index++) {
      const bytes = await fs.readFile(posix.join(dir, chunkName(content, index)));
      whole.update(bytes);
      await writer.write(bytes);
    }
    if (whole.digest('hex') !== content.sha256) {
      await discardResume(fs, dir, content);
      throw new WhohasError(
        'HASH_MISMATCH',
        `${content.file}: the chunks do not make the announced file`,
      );
    }
    const name = await landingName(fs, dir, content.file);
    const path = await commitWithoutOverwrite(writer, dir, name);
    committed = true;
    await discardResume(fs, dir, content);
    return path;
  } finally {
    if (!committed) await writer.abort().catch(() => undefined); // no partial file left
  }
}

/** Removes the tree and every chunk of this content from `dir`. */
export async function discardResume(fs: FileSystem, dir: string, content: Content): Promise<void> {
  const count = chunkCount(content.size, content.tree.chunkBytes);
  const names = [
    treeName(content),
    ...Array.from({ length: count }, (_, i) => chunkName(content, i)),
  ];
  await Promise.all(names.map((name) => fs.remove(posix.join(dir, name)).catch(() => undefined)));
}

async function readOrEmpty(fs: FileSystem, path: string): Promise<Buffer> {
  return fs.readFile(path).catch(() => Buffer.alloc(0));
}
