import { type BadRequest, type FileMessage, parseFileMessage } from './messages.ts';

/** A room line from another user (`#from|text`) with its file-search message, if it is one. */
export function parseUserLine(
  line: string,
): { from: string; message: FileMessage | BadRequest | undefined } | undefined {
  // A connection that asked for direct_tag gets its private messages as DIRECT|<sender>|<text>.
  const body = line.startsWith('DIRECT|')
    ? line.slice('DIRECT|'.length)
    : line.startsWith('#')
      ? line.slice(1)
      : undefined;
  if (body === undefined) return undefined;
  const bar = body.indexOf('|');
  const from = body.slice(0, bar);
  if (bar < 1 || from === 'me' || from === 'server') return undefined;
  return { from, message: parseFileMessage(body.slice(bar + 1)) };
}
