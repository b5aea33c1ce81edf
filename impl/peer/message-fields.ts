/**
 * Optional `key=value` fields at the end of `have` and `getfile` (docs/PROTOCOL.md, "Content
 * and chunks"). Additive: a line without them is the older form and means what it always meant;
 * a key this build does not know is ignored, so later fields can be added the same way. Pure.
 */
import { MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from './merkle.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const KEY = /^[a-z][a-z0-9]*$/;
/** Extra fields at most on one line: more is a malformed line, not a longer one. */
export const MAX_EXTRA_FIELDS = 8;

/** The tree an owner announces: its chunk size and root (hex). */
export interface TreeId {
  chunkBytes: number;
  root: string;
}

/** A byte range asked for: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** `key=value` fields, or a reason they do not parse. */
export function parseExtras(fields: readonly string[]): Map<string, string> | string {
  if (fields.length > MAX_EXTRA_FIELDS) return `more than ${MAX_EXTRA_FIELDS} optional fields`;
  const extras = new Map<string, string>();
  for (const field of fields) {
    const equals = field.indexOf('=');
    const key = field.slice(0, equals);
    if (equals < 1 || !KEY.test(key)) return `"${field}" is not a key=value field`;
    if (extras.has(key)) return `field ${key} given twice`;
    extras.set(key, field.slice(equals + 1));
  }
  return extras;
}

export function encodeExtras(extras: Record<string, string | undefined>): string[] {
  return Object.entries(extras)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
}

/** A lower-case hex SHA-256, or undefined. */
export function parseSha256(text: string | undefined): string | undefined {
  return text !== undefined && HEX64.test(text) ? text : undefined;
}

/** `tree=<chunkBytes>:<root>`. */
export function parseTree(text: string | undefined): TreeId | undefined {
  const match = text === undefined ? null : /^([1-9][0-9]{0,9}):([0-9a-f]{64})$/.exec(text);
  if (match === null) return undefined;
  const chunkBytes = Number(match[1]);
  if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) return undefined;
  return { chunkBytes, root: match[2] };
}

export function encodeTree(tree: TreeId): string {
  return `${tree.chunkBytes}:${tree.root}`;
}

/** `range=<offset>+<length>`: plain decimals, the end within 2^53 − 1. */
export function parseRange(text: string | undefined): ByteRange | undefined {
  const match = text === undefined ? null : /^(0|[1-9][0-9]{0,15})\+([1-9][0-9]{0,15})$/.exec(text);
  if (match === null) return undefined;
  const offset = Number(match[1]);
  const length = Number(match[2]);
  return Number.isSafeInteger(offset + length) ? { offset, length } : undefined;
}

export function encodeRange(range: ByteRange): string {
  return `${range.offset}+${range.length}`;
}
