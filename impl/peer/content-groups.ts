/**
 * Responders grouped by what their file holds (docs/PROTOCOL.md, "Content and chunks"): the
 * same name may hold different bytes on different owners. Answers with a SHA-256 group by it;
 * answers without one (older peers, a file still being hashed) by size alone, as "unknown".
 */
import { WhohasError } from '../errors.ts';
import type { TreeId } from './message-fields.ts';
import type { Responder } from './types.ts';

export interface ContentGroup {
  /** Undefined for owners that did not say (then only the size is known). */
  sha256: string | undefined;
  size: number;
  /** The tree most of the group's owners announce (all announce the same one in practice). */
  tree: TreeId | undefined;
  responders: Responder[];
}

/** Groups in order of owners (most first), ties by who answered first. */
export function groupByContent(responders: readonly Responder[]): ContentGroup[] {
  const groups = new Map<string, ContentGroup>();
  for (const responder of responders) {
    const key = responder.sha256 ?? `size ${responder.size}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { sha256: responder.sha256, size: responder.size, tree: undefined, responders: [] };
      groups.set(key, group);
    }
    group.responders.push(responder);
    group.tree ??= responder.tree;
  }
  // A stable sort keeps first-answered first among equals; named content before unknown.
  return [...groups.values()].sort(
    (a, b) =>
      b.responders.length - a.responders.length ||
      Number(a.sha256 === undefined) - Number(b.sha256 === undefined),
  );
}

/** Said when owners disagree on what `file` holds; undefined when they agree. */
export function disagreement(file: string, groups: readonly ContentGroup[]): string | undefined {
  if (groups.length < 2) return undefined;
  const parts = groups.map((group) => {
    const users = group.responders.map((r) => r.user).join(', ');
    const what = group.sha256 === undefined ? 'unhashed' : `sha256 ${group.sha256.slice(0, 12)}…`;
    return `${users}: ${group.size} bytes, ${what}`;
  });
  return `owners disagree on what ${file} holds (${parts.join('; ')})`;
}

/**
 * The content to fetch: the one named by `sha256` (answers without a hash may still have it:
 * their owners check the getfile's sha256= and refuse CONTENT_MISMATCH otherwise), else the one
 * most owners hold.
 */
export function pickContent(groups: readonly ContentGroup[], sha256?: string): ContentGroup {
  if (sha256 === undefined) {
    if (groups.length === 0) throw new WhohasError('NO_RESPONDERS', 'nobody offered the file');
    return groups[0];
  }
  const named = groups.find((group) => group.sha256 === sha256);
  const unknown = groups.filter((group) => group.sha256 === undefined);
  const responders = [...(named?.responders ?? []), ...unknown.flatMap((g) => g.responders)];
  if (responders.length === 0) {
    throw new WhohasError('CONTENT_MISMATCH', `no owner offers content sha256 ${sha256}`);
  }
  const size = named?.size ?? responders[0].size;
  return { sha256, size, tree: named?.tree, responders: responders.map((r) => ({ ...r, sha256 })) };
}
