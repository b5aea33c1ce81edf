/**
 * What a shared file may be called. A name is one plain entry of the share folder: never a path,
 * never a way out of the folder, never one of the peer's own temporary files, and always
 * something that fits in one `|`-separated field of a chat line.
 */

import { WhohasError } from '../errors.ts';
import { TEMP_PREFIX } from '../platform/temp-name.ts';

/** Prefix of the hidden files a download is written to before it is committed. */
export { TEMP_PREFIX };

export const MAX_NAME_BYTES = 255;

// C0, DEL and C1 control characters.
const CONTROL = /\p{Cc}/u;
const CONTROLS = /\p{Cc}/gu;

/** Why `name` cannot name a shared file, or undefined when it can. */
export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the file name is empty';
  if (name.includes('\0')) return 'the file name contains a NUL byte';
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) {
    return `"${printable(name)}" is an absolute path; ask for a name inside the share folder`;
  }
  if (name.split(/[\\/]/).includes('..') || name === '..') {
    return `"${printable(name)}" tries to leave the share folder with ..`;
  }
  if (/[\\/]/.test(name)) {
    return `"${printable(name)}" contains a path separator; only names of files directly in the share folder are valid`;
  }
  if (name === '.') return 'the file name "." names the folder itself';
  if (CONTROL.test(name)) return 'the file name contains a control character';
  if (name.includes('|')) return 'the file name contains "|", the chat field separator';
  if (name.startsWith(TEMP_PREFIX)) return `names starting with ${TEMP_PREFIX} are never shared`;
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    return `the file name is longer than ${MAX_NAME_BYTES} bytes`;
  }
  return undefined;
}

/** The name with control characters made visible, for messages about it. */
export function printable(name: string): string {
  return name.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Throws BAD_FILENAME for a name `fileNameProblem` refuses. */
export function requireFileName(name: string): void {
  const problem = fileNameProblem(name);
  if (problem) throw new WhohasError('BAD_FILENAME', problem);
}
