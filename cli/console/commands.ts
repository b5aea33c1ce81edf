/**
 * The console's slash commands: one table gives `/help`, `/commands`, tab completion and the
 * checks made before anything is sent. A command that does not parse is refused here with what
 * to type instead (`/setwindw 32`: did you mean /setwindow?); the 2016 names stay as aliases.
 */
import { closest, distance } from 'fastest-levenshtein';
import { type LocalCommand, parseLocalCommand } from '../../impl/peer/index.ts';

export interface CommandSpec {
  name: string;
  aliases: string[];
  /** Argument words, for help and arity: `<x>` required, `[x]` optional, `<x...>` the rest. */
  args: string;
  help: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'help', aliases: ['?'], args: '[command]', help: 'what the commands do' },
  { name: 'commands', aliases: [], args: '', help: 'the command names' },
  { name: 'msg', aliases: ['to'], args: '<user> <text...>', help: 'a message to one user' },
  {
    name: 'all',
    aliases: [],
    args: '<text...>',
    help: 'a message to everyone (plain text does it too)',
  },
  { name: 'whohas', aliases: [], args: '<file>', help: 'ask the room who shares a file' },
  { name: 'get', aliases: ['getfile'], args: '<user> <file>', help: 'download a file from a user' },
  { name: 'transfers', aliases: ['t'], args: '', help: 'downloads and uploads under way' },
  {
    name: 'window',
    aliases: ['setwindow'],
    args: '<N>',
    help: 'Go-Back-N window of your downloads',
  },
  { name: 'arq', aliases: ['setarq'], args: '<gbn|sr>', help: 'ARQ scheme of your downloads' },
  { name: 'share', aliases: ['setshare'], args: '<file>', help: 'share a file' },
  { name: 'unshare', aliases: ['clrshare'], args: '<file>', help: 'stop sharing a file' },
  { name: 'shareall', aliases: ['setglobalshare'], args: '', help: 'turn sharing on' },
  { name: 'sharenone', aliases: ['clrglobalshare'], args: '', help: 'turn all sharing off' },
  { name: 'status', aliases: ['getsharestatus'], args: '', help: 'what you share, your settings' },
  { name: 'peers', aliases: ['get_peers'], args: '', help: 'who is in the room' },
  { name: 'rooms', aliases: ['get_rooms'], args: '', help: 'the rooms on the server' },
  { name: 'room', aliases: ['get_room'], args: '', help: "the room's id and privacy" },
  { name: 'password', aliases: ['get_passwd'], args: '', help: "the room's password" },
  { name: 'quit', aliases: ['exit'], args: '', help: 'leave the room and close' },
];

const BY_NAME = new Map(
  COMMANDS.flatMap((spec) => [spec.name, ...spec.aliases].map((n) => [n, spec])),
);
const ALL_NAMES = [...BY_NAME.keys()];

export type Parsed =
  | { ok: true; name: string; args: string[]; local?: LocalCommand }
  | { ok: false; message: string };

/** `/name args...` checked against the table (and the peer's own checks for local settings). */
export function parseCommand(line: string): Parsed {
  const [word = '', ...words] = line.slice(1).trim().split(/\s+/);
  const spec = BY_NAME.get(word.toLowerCase());
  if (spec === undefined) {
    return {
      ok: false,
      message: `unknown command /${word}${suggestion(word, '/')}; /help lists them`,
    };
  }
  const params = spec.args === '' ? [] : spec.args.split(' ');
  const rest = params.at(-1)?.endsWith('...>') === true;
  const required = params.filter((p) => p.startsWith('<')).length;
  const args = rest
    ? [...words.slice(0, params.length - 1), words.slice(params.length - 1).join(' ')]
    : words;
  if (words.length < required || (!rest && words.length > params.length)) {
    return { ok: false, message: `usage: /${spec.name}${params.length ? ` ${spec.args}` : ''}` };
  }
  const local = localForm(spec.name, args);
  if (local === undefined) return { ok: true, name: spec.name, args };
  const checked = parseLocalCommand(local);
  if (checked?.kind === 'error') return { ok: false, message: `/${spec.name}: ${checked.message}` };
  return { ok: true, name: spec.name, args, local: checked };
}

/** The console's local settings and the 2016 `@me|...` commands the peer runs for them. */
export const LOCAL_FORMS: Readonly<Record<string, string>> = {
  window: 'setwindow',
  arq: 'setarq',
  share: 'setshare',
  unshare: 'clrshare',
  shareall: 'setglobalshare',
  sharenone: 'clrglobalshare',
  status: 'getsharestatus',
};

/** The 2016 `@me|...` form of a local setting, checked by the peer's own parser. */
function localForm(name: string, args: string[]): string | undefined {
  const form = LOCAL_FORMS[name];
  return form === undefined ? undefined : ['@me', form, ...args].join('|');
}

/** ` (did you mean /setwindow?)` for a near miss, or nothing. */
export function suggestion(
  word: string,
  prefix: string,
  names: readonly string[] = ALL_NAMES,
): string {
  if (word === '') return '';
  const near = closest(word.toLowerCase(), [...names]);
  return distance(word.toLowerCase(), near) <= 2 ? `; did you mean ${prefix}${near}?` : '';
}

const LOCAL_2016 = Object.values(LOCAL_FORMS);

/**
 * A raw `@me|<word>|...` whose word is a near miss of a 2016 local command: refused here (it would
 * go to the server and come back as if sent). Undefined when the line may go as it is.
 */
export function rawLocalTypo(line: string): string | undefined {
  const [target, word] = line.split('|');
  if (target?.toLowerCase() !== '@me' || word === undefined || LOCAL_2016.includes(word))
    return undefined;
  const hint = suggestion(word, '@me|', LOCAL_2016);
  return hint === '' ? undefined : `unknown local command ${word}${hint}`;
}

export function helpLines(word?: string): string[] {
  if (word !== undefined) {
    const spec = BY_NAME.get(word.replace(/^\//, '').toLowerCase());
    if (spec === undefined) return [`unknown command /${word}${suggestion(word, '/')}`];
    const aka = spec.aliases.length ? ` (also /${spec.aliases.join(', /')})` : '';
    return [`/${spec.name} ${spec.args}`.trimEnd() + `: ${spec.help}${aka}`];
  }
  return [
    'type a line to talk to everyone; /msg <user> <text> to one user; @... lines go as they are',
    ...COMMANDS.map((spec) => `  ${`/${spec.name} ${spec.args}`.padEnd(24)} ${spec.help}`),
  ];
}

/** `/commands`: every name, for a quick look. */
export function commandNames(): string {
  return COMMANDS.map((spec) => `/${spec.name}`).join(' ');
}

/** Tab completion (node:readline): command names, then user names where a command takes one. */
export function completer(members: () => readonly string[]) {
  return (line: string): [string[], string] => {
    if (!line.startsWith('/')) return [[], line];
    const words = line.split(' ');
    if (words.length === 1) {
      const hits = ALL_NAMES.map((n) => `/${n}`).filter((n) => n.startsWith(line.toLowerCase()));
      return [hits.length ? hits : COMMANDS.map((s) => `/${s.name}`), line];
    }
    const spec = BY_NAME.get(words[0].slice(1).toLowerCase());
    if (words.length === 2 && spec?.args.startsWith('<user>')) {
      const typed = words[1];
      return [members().filter((m) => m.toLowerCase().startsWith(typed.toLowerCase())), typed];
    }
    return [[], line];
  };
}
