/**
 * Where a download will land, chosen before the transfer starts: the requested name if it is
 * free in the folder, else the first free `stem (n).ext` that fits in 255 bytes (fittingName
 * shortens the stem, never the extension). A long name fetched twice thus lands as a shortened
 * `… (1).ext` instead of failing with ENAMETOOLONG after the whole file was received.
 */
import { posix } from 'node:path';
import { WhohasError } from '../errors.ts';
import { fittingName } from '../platform/file-names.ts';
import type { FileSystem } from '../platform/types.ts';

const MAX_ATTEMPTS = 1_000;

export async function landingName(fs: FileSystem, dir: string, file: string): Promise<string> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const candidate = fittingName(file, attempt);
    try {
      await fs.lstat(posix.join(dir, candidate));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return candidate;
      throw new WhohasError('IO_ERROR', `cannot check ${candidate} in ${dir}: ${error}`);
    }
  }
  throw new WhohasError('IO_ERROR', `no free name for ${file} in ${dir}`);
}
