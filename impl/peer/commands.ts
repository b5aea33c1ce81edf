/**
 * Lines a user types that the peer handles itself instead of sending as they are: the 2016
 * local commands (`@me|setwindow|N` ...) and `@owner|getfile|<file>`, which starts a download.
 * Pure parsing; the Peer and the console act on the result.
 */
import { SCHEMES, type Scheme } from '../arq/codec.ts';
import type { PeerErrorCode, TransferErrorCode } from '../errors.ts';
import { parseDecimal, windowProblem } from './limits.ts';
import { fileNameProblem } from './names.ts';

export type LocalCommand =
  | { kind: 'setwindow'; window: number }
  | { kind: 'setarq'; arq: Scheme }
  | { kind: 'setshare'; file: string }
  | { kind: 'clrshare'; file: string }
  | { kind: 'setglobalshare' }
  | { kind: 'clrglobalshare' }
  | { kind: 'getsharestatus' };

export interface CommandError {
  kind: 'error';
  code: PeerErrorCode | TransferErrorCode;
  message: string;
}

/**
 * `@me|<command>...` for one of the local commands; undefined for any other line (those go to
 * the server, which echoes other `@me|...` lines back as in 2016).
 */
export function parseLocalCommand(line: string): LocalCommand | CommandError | undefined {
  const fields = line.split('|');
  if (fields[0] !== '@me') return undefined;
  const name = fields[1];
  const args = fields.slice(2);
  const usage = (form: string): CommandError => ({
    kind: 'error',
    code: 'BAD_ARGUMENT',
    message: `usage: @me|${form}`,
  });
  switch (name) {
    case 'setwindow': {
      if (args.length !== 1) return usage('setwindow|N');
      const window = parseDecimal(args[0]);
      const problem =
        window === undefined ? `window "${args[0]}" is not a number` : windowProblem(window);
      if (problem || window === undefined)
        return { kind: 'error', code: 'BAD_WINDOW', message: problem ?? '' };
      return { kind: 'setwindow', window };
    }
    case 'setarq': {
      if (args.length !== 1) return usage(`setarq|${SCHEMES.join('|')}`);
      const arq = SCHEMES.find((scheme) => scheme === args[0]);
      if (arq === undefined) {
        const message = `arq must be one of ${SCHEMES.join(', ')}, got "${args[0]}"`;
        return { kind: 'error', code: 'UNSUPPORTED_ARQ', message };
      }
      return { kind: 'setarq', arq };
    }
    case 'setshare':
    case 'clrshare': {
      if (args.length !== 1) return usage(`${name}|<file>`);
      const problem = fileNameProblem(args[0]);
      if (problem) return { kind: 'error', code: 'BAD_FILENAME', message: problem };
      return { kind: name, file: args[0] };
    }
    case 'setglobalshare':
    case 'clrglobalshare':
    case 'getsharestatus':
      if (args.length !== 0) return usage(name);
      return { kind: name };
    default:
      return undefined;
  }
}

export interface DownloadCommand {
  kind: 'download';
  from: string;
  file: string;
}

/**
 * `@owner|getfile|<file>` as a person types it: the console turns it into a real download from
 * that owner rather than sending the bare 2016 form, which carries no datagram port.
 * `@all|getfile|<file>` downloads from every owner of the file's content at once (`from` 'all').
 */
export function parseDownloadCommand(line: string): DownloadCommand | CommandError | undefined {
  const fields = line.split('|');
  if (fields.length < 2 || fields[1] !== 'getfile' || !fields[0].startsWith('@')) return undefined;
  const from = fields[0].slice(1);
  if (from === '' || from === 'me' || from === 'server') {
    return {
      kind: 'error',
      code: 'BAD_ARGUMENT',
      message: `getfile needs an owner or all: @<user>|getfile|<file>, not @${from}`,
    };
  }
  if (fields.length !== 3) {
    return { kind: 'error', code: 'BAD_ARGUMENT', message: 'usage: @<user or all>|getfile|<file>' };
  }
  const problem = fileNameProblem(fields[2]);
  if (problem) return { kind: 'error', code: 'BAD_FILENAME', message: problem };
  return { kind: 'download', from, file: fields[2] };
}
