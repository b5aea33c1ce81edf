import { posix } from 'node:path';

/**
 * Every platform names a file in progress `.whohas-<hint>-<unique>+<owner>.part` in its target
 * folder, so the peer can tell such files apart and never list or serve them. `<owner>` names the
 * writer (a process id on Node, a host epoch on the simulator): the platform that made the name
 * can tell whether that writer still lives (FileSystem.staleTemps). `+` never occurs in the
 * hint or the unique part, so the owner is found from the end of the name.
 */
export const TEMP_PREFIX = '.whohas-';
export const TEMP_SUFFIX = '.part';

/** A hidden temporary name for a new file hinted by `hint`; `unique` tells it from siblings. */
export function tempFileName(hint: string, unique: string, owner?: string): string {
  const tame = posix
    .basename(hint)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 64);
  return `${TEMP_PREFIX}${tame}-${unique}${owner === undefined ? '' : `+${owner}`}${TEMP_SUFFIX}`;
}

export function isTempFileName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/** The owner token of a temporary name; undefined for other names and for names without one. */
export function tempOwner(name: string): string | undefined {
  if (!isTempFileName(name)) return undefined;
  return /\+([A-Za-z0-9_]+)\.part$/.exec(name)?.[1];
}
