import { posix } from 'node:path';

/** Bytes in one path component on the file systems whohas runs on (Linux, macOS, Windows NTFS). */
export const MAX_NAME_BYTES = 255;

/**
 * The name a download lands under on its `attempt`-th try: `name`, then `stem (1).ext`,
 * `stem (2).ext`, ... always within `maxBytes` of UTF-8. When the suffix would not fit, the stem
 * is cut, on a character boundary, before the extension (kept); an extension too long to keep
 * with any stem is treated as part of the stem. Pure: both platforms and the peer use it.
 */
export function fittingName(name: string, attempt: number, maxBytes = MAX_NAME_BYTES): string {
  const suffix = attempt === 0 ? '' : ` (${attempt})`;
  let ext = posix.extname(name);
  let stem = name.slice(0, name.length - ext.length);
  if (bytes(suffix) + bytes(ext) >= maxBytes) {
    stem = name;
    ext = '';
  }
  const room = maxBytes - bytes(suffix) - bytes(ext);
  return `${cutToBytes(stem, room)}${suffix}${ext}`;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` of at most `limit` UTF-8 bytes, never splitting a character. */
export function cutToBytes(text: string, limit: number): string {
  if (bytes(text) <= limit) return text;
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = bytes(char);
    if (used + size > limit) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}
