import { posix } from 'node:path';

/**
 * Every platform names a file in progress `.whohas-<hint>-<unique>.part` in its target folder, so
 * the peer can tell such files apart and never list or serve them.
 */
export const TEMP_PREFIX = '.whohas-';

/** A hidden temporary name for a new file hinted by `hint`; `unique` tells it from siblings. */
export function tempFileName(hint: string, unique: string): string {
  const tame = posix
    .basename(hint)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 64);
  return `${TEMP_PREFIX}${tame}-${unique}.part`;
}
