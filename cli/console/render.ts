/**
 * What a person reads for each line of the chat protocol (docs/PROTOCOL.md): `[eswar → you] hi`,
 * `[eswar → all] hi`, `* eko joined`, errors in red. The file protocol's machine lines (have,
 * getfile, sending...) are the peer's business and hidden; the console reports transfers itself.
 * Pure: a line in, the text to print out (undefined: print nothing).
 */
import { parseUserLine } from '../../impl/peer/index.ts';
import type { Colors } from './colors.ts';

/** The server's answer to the console's own `@server|direct_tag`, not news to the person. */
export const DIRECT_TAG_REPLY = 'OK|Messages to you alone now arrive as DIRECT lines';

export function renderLine(line: string, c: Colors): string | undefined {
  const fields = line.split('|');
  const rest = (from: number) => fields.slice(from).join('|');
  switch (fields[0]) {
    case 'OK':
      return line === DIRECT_TAG_REPLY ? undefined : c.green(rest(1));
    case 'ERROR':
      return c.red(`error ${fields[1]}: ${rest(2)}`);
    case 'INFO':
      return c.yellow(`* ${fields[2]} ${notice(fields[1], fields[2], rest(3))}`);
    case 'ROOMS':
      return `rooms: ${fields.length > 1 ? fields.slice(1).join(', ') : 'none'}`;
    case 'PEERS':
      return `in the room: ${fields.slice(1).join(', ')}`;
    case 'PASSWD':
      return fields[2] === 'private'
        ? `password of ${fields[1]}: ${rest(3)}`
        : `${fields[1]} is public (no password)`;
    case 'ROOM':
      return `room ${fields[1]} (${fields[3]}, id ${fields[2]})`;
    case 'SHARE':
      return `  ${fields[1]}  ${fields[2]} bytes  ${fields[3]}`;
    case 'PING':
      return undefined;
    case 'DIRECT':
      return message(line, fields[1], 'you', rest(2), c);
  }
  if (line.startsWith('#')) {
    const sender = fields[0].slice(1);
    if (sender === 'me') return `${c.cyan('[you → you]')} ${rest(1)}`;
    // The admin's lines (#server|...) go to one user or to all alike: the wire does not say which.
    if (sender === 'server') return `${c.magenta('[server]')} ${rest(1)}`;
    return message(line, sender, 'all', rest(1), c);
  }
  return line;
}

function message(line: string, from: string, to: string, text: string, c: Colors) {
  const parsed = parseUserLine(line);
  if (parsed?.message?.kind === 'whohas') {
    return c.dim(`* ${from} asks who has ${parsed.message.file}`);
  }
  if (parsed?.message !== undefined) return undefined;
  return `${c.cyan(`[${from} → ${to}]`)} ${text}`;
}

function notice(event: string | undefined, user: string | undefined, text: string): string {
  if (event === 'JOINED') return 'joined';
  const what = text.startsWith(`User ${user} `) ? text.slice(`User ${user} `.length) : text;
  return what === 'has left' ? 'left' : what;
}
