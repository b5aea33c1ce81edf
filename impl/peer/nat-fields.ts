/**
 * The NAT fields of `getfile` (docs/PROTOCOL.md, "NAT traversal"): `cand=<list>` (the requester's
 * candidates) and `punch=<16 hex>` (the probe token), always together. An owner that knows them
 * punches; one that does not ignores them as unknown keys and answers the legacy way. Pure.
 */
import { parseCandidates, parsePunchToken } from '../nat/candidates.ts';
import type { BadRequest, GetfileMessage } from './messages.ts';
import { badField } from './messages-content.ts';
import { printable } from './names.ts';

/** Adds `cand=` and `punch=` to a getfile; a BadRequest naming the field when one is malformed. */
export function withNatFields(
  request: GetfileMessage,
  extras: Map<string, string>,
): BadRequest | undefined {
  const bad = (reason: string) => badField(request, reason);
  const candText = extras.get('cand');
  const punchText = extras.get('punch');
  if (candText === undefined && punchText === undefined) return undefined;
  if (candText === undefined || punchText === undefined) {
    return bad('cand= and punch= go together (candidates and the probe token)');
  }
  const cand = parseCandidates(candText);
  if (typeof cand === 'string') return bad(`cand= is malformed: ${printable(cand)}`);
  const punch = parsePunchToken(punchText);
  if (punch === undefined) return bad('punch= needs 16 lower-case hex digits');
  request.cand = cand;
  request.punch = punch;
  return undefined;
}
