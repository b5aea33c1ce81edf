/**
 * What a chunked download keeps between runs (docs/PROTOCOL.md, "Resume"): in the download
 * folder, under the temporary-file naming rule but with no writer named, so the stale-partial
 * sweep keeps them until `--stale-after` (a writer's own `+<owner>.part` file of a run in
 * flight is still swept once that writer is gone):
 *
 *   .whohas-<id>-tree.part      the leaves of the file's chunk tree, 32 bytes per chunk
 *   .whohas-<id>-data.part      the file's bytes, each chunk at its offset (chunk-store.ts)
 *   .whohas-<id>-held.part      which chunks of the data file were verified, a bitmap
 *
 * `<id>` is the first 32 hex digits of the file's SHA-256. Nothing here is trusted: a later
 * download re-reads the tree (its root must be the one the owners announce now) and every chunk
 * the bitmap claims (its leaf must match). Without a true tree, the data file goes too.
 */
import { posix } from 'node:path';
import { TEMP_PREFIX, TEMP_SUFFIX } from '../platform/temp-name.ts';
import type { FileSystem } from '../platform/types.ts';
import { chunkCount, merkleRoot, unpackLeaves } from './merkle.ts';
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
const resumeNames = (content: Content): string[] =>
  ['tree', 'data', 'held'].map(
    (kind) => `${TEMP_PREFIX}${resumeId(content)}-${kind}${TEMP_SUFFIX}`,
  );

/** Leaves that belong to this content: the right count, and the announced root. */
export function leavesMatch(content: Content, leaves: readonly Buffer[] | undefined): boolean {
  return (
    leaves !== undefined &&
    leaves.length === chunkCount(content.size, content.tree.chunkBytes) &&
    merkleRoot(leaves).toString('hex') === content.tree.root
  );
}

/**
 * The leaves an earlier run kept in `dir`, when they make the announced root; otherwise
 * undefined, and the tree with the data file and its bitmap removed (nothing to check them by).
 */
export async function loadTree(
  fs: FileSystem,
  dir: string,
  content: Content,
): Promise<Buffer[] | undefined> {
  const path = posix.join(dir, treeName(content));
  const leaves = unpackLeaves(await fs.readFile(path).catch(() => Buffer.alloc(0)));
  if (leavesMatch(content, leaves)) return leaves;
  await discardResume(fs, dir, content);
  return undefined;
}

/** Removes the tree, data file and bitmap of this content from `dir`. */
export async function discardResume(fs: FileSystem, dir: string, content: Content): Promise<void> {
  for (const name of resumeNames(content)) {
    await fs.remove(posix.join(dir, name)).catch(() => undefined);
  }
}
