/**
 * The chat grammar of docs/PROTOCOL.md: names, the lines the server writes and the parse of
 * the lines clients send. Pure functions, no state.
 */
import type { ErrorCode } from '../errors.ts';

export {
  isReservedUsername,
  MAX_NAME_CHARS,
  nameKey,
  nameProblem,
  normalizeName,
  RESERVED_USERNAMES,
} from './names.ts';

export const MAX_PASSWORD_CHARS = 64;

const FORBIDDEN_IN_PASSWORD = /[|\p{Cc}]/u;

export function passwordProblem(password: string): string | undefined {
  const chars = [...password].length;
  if (chars === 0) return 'it is empty';
  if (chars > MAX_PASSWORD_CHARS) return `it is longer than ${MAX_PASSWORD_CHARS} characters`;
  if (FORBIDDEN_IN_PASSWORD.test(password))
    return 'it contains a vertical bar or a control character';
  return undefined;
}

/** A dialog answer: surrounding spaces and tabs do not count. */
export function answerOf(line: string): string {
  return line.replace(/^[ \t]+|[ \t]+$/g, '');
}

// ---------------------------------------------------------------- lines the server writes

export function okLine(text: string): string {
  return `OK|${humanText(text)}`;
}

export function errorLine(code: ErrorCode, text: string): string {
  return `ERROR|${code}|${humanText(text)}`;
}

export function infoLine(event: 'JOINED' | 'LEFT', value: string, text: string): string {
  return `INFO|${event}|${value}|${humanText(text)}`;
}

export function listLine(tag: 'ROOMS' | 'PEERS', names: readonly string[]): string {
  return names.length === 0 ? tag : `${tag}|${names.join('|')}`;
}

export function messageLine(sender: string, text: string): string {
  return `#${sender}|${text}`;
}

/** A message to one user who asked to tell those from messages to all (`@server|direct_tag`). */
export function directLine(sender: string, text: string): string {
  return `DIRECT|${sender}|${text}`;
}

// Human texts never hold '|' or line breaks, so ERROR|CODE|text always splits into 3 fields.
function humanText(text: string): string {
  return text.replace(/[|\r\n]/g, ' ');
}

// ---------------------------------------------------------------- lines clients send

export type ClientMessage =
  | { ok: true; target: string; text: string }
  | { ok: false; code: 'BAD_FORMAT' | 'EMPTY_MESSAGE'; reason: string };

/** `@<target>|<text>`: the text is everything after the first '|'. */
export function parseMessage(line: string): ClientMessage {
  const bar = line.indexOf('|');
  if (line.charCodeAt(0) !== 0x40 || bar < 2) {
    return {
      ok: false,
      code: 'BAD_FORMAT',
      reason: 'Send @<user>, @all, @me or @server, then a vertical bar, then the text',
    };
  }
  const text = line.slice(bar + 1);
  if (text.length === 0) {
    return { ok: false, code: 'EMPTY_MESSAGE', reason: 'The message is empty' };
  }
  return { ok: true, target: line.slice(1, bar), text };
}
