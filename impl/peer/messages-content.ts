/**
 * The content fields of `have` and `getfile` (docs/PROTOCOL.md, "Content and chunks"): what an
 * answer says about the file's bytes, and which bytes a request asks for. Pure.
 */
import { parseDecimal } from './limits.ts';
import { parseExtras, parseRange, parseSha256, parseTree } from './message-fields.ts';
import type { BadRequest, GetfileMessage, HaveMessage } from './messages.ts';
import { fileNameProblem, printable } from './names.ts';

export function parseHave(fields: string[]): HaveMessage | undefined {
  if (fields.length < 4) return undefined;
  const [, file, sizeText, address] = fields;
  const size = parseDecimal(sizeText);
  const extras = parseExtras(fields.slice(4));
  if (fileNameProblem(file) || size === undefined || address === '') return undefined;
  if (typeof extras === 'string') return undefined;
  const have: HaveMessage = { kind: 'have', file, size, address };
  // A malformed hash or tree is left out: the answer still names a file, just not its content.
  const sha256 = parseSha256(extras.get('sha256'));
  const tree = parseTree(extras.get('tree'));
  if (sha256 !== undefined) have.sha256 = sha256;
  if (sha256 !== undefined && tree !== undefined) have.tree = tree;
  return have;
}

/** A getfile's malformed `key=value` field: refused BAD_ARGUMENT with the reason. */
export function badField(request: GetfileMessage, reason: string): BadRequest {
  return {
    kind: 'bad-request',
    file: request.file,
    transferId: request.transferId,
    code: 'BAD_ARGUMENT',
    reason,
  };
}

/** Adds `sha256=`, `range=`, `part=` to a getfile; a BadRequest when one is malformed. */
export function withContentFields(
  request: GetfileMessage,
  extras: Map<string, string>,
): BadRequest | undefined {
  const bad = (reason: string) => badField(request, reason);
  const [sha256Text, rangeText, partText] = ['sha256', 'range', 'part'].map((k) => extras.get(k));
  if (sha256Text !== undefined) {
    request.sha256 = parseSha256(sha256Text);
    if (request.sha256 === undefined) return bad('sha256= needs 64 lower-case hex digits');
  }
  if (rangeText !== undefined) {
    request.range = parseRange(rangeText);
    if (request.range === undefined) return bad('range= needs <offset>+<length> (length >= 1)');
  }
  if (partText !== undefined) {
    if (partText !== 'tree') return bad(`part= must be tree, got "${printable(partText)}"`);
    if (request.range !== undefined) return bad('part=tree takes no range=');
    request.part = 'tree';
  }
  return undefined;
}
