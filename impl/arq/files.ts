import { posix } from 'node:path';
import { WhohasError } from '../errors.ts';
import type { FileWriter } from '../platform/types.ts';

/** A bare file name: no folder part, not `.` or `..`, no NUL. */
export function checkFileName(name: string): void {
  if (
    typeof name !== 'string' ||
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('\0')
  ) {
    throw new WhohasError('BAD_FILENAME', `not a plain file name: ${JSON.stringify(name)}`);
  }
}

/** `name.ext`, then `name (1).ext`, `name (2).ext`, ... */
export function candidateName(name: string, attempt: number): string {
  if (attempt === 0) return name;
  const ext = posix.extname(name);
  return `${name.slice(0, name.length - ext.length)} (${attempt})${ext}`;
}

const MAX_NAME_ATTEMPTS = 1_000;

/** Moves a finished temp file to the first free name in `dir`; never overwrites. */
export async function commitWithoutOverwrite(
  writer: FileWriter,
  dir: string,
  name: string,
): Promise<string> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const path = posix.join(dir, candidateName(name, attempt));
    try {
      await writer.commit(path);
      return path;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  throw new WhohasError('IO_ERROR', `no free name for ${name} in ${dir}`);
}
