/**
 * `whohas peer` for people: asks for what it needs (login.ts), then a chat where plain text goes
 * to everyone, `/commands` do the rest (commands.ts, checked before anything is sent), lines
 * arrive rendered for reading (render.ts) above a prompt they never garble (terminal.ts), and
 * transfers are followed (transfers.ts). Lines starting with `@` still go as the protocol has them.
 */
import { isWhohasError } from '../../impl/errors.ts';
import { type Peer, parseDownloadCommand } from '../../impl/peer/index.ts';
import { routedSummary } from '../transfer-format.ts';
import { type Colors, consoleColors } from './colors.ts';
import {
  commandNames,
  completer,
  helpLines,
  LOCAL_FORMS,
  type Parsed,
  parseCommand,
  rawLocalTypo,
} from './commands.ts';
import { askName, type EntryFlags, enterRoom } from './login.ts';
import { renderLine } from './render.ts';
import { Terminal } from './terminal.ts';
import { Transfers } from './transfers.ts';

/** How long `/whohas` waits for answers: people's peers, on people's networks. */
export const WHOHAS_WAIT_MS = 2000;

export interface PeopleConsoleOptions extends EntryFlags {
  name?: string;
  createPeer(name: string): Peer;
}

export async function runPeopleConsole(options: PeopleConsoleOptions): Promise<void> {
  const c = consoleColors();
  let leave!: () => void;
  const left = new Promise<void>((resolve) => {
    leave = resolve;
  });
  let peer: Peer | undefined;
  const term = new Terminal({
    prompt: '> ',
    completer: completer(() => peer?.members ?? []),
    onInterrupt: () => leave(),
  });
  const name = await askName(term, c, 'your name: ', options.name);
  if (name === undefined) return term.close();
  peer = options.createPeer(name);
  let entered: string | undefined;
  try {
    entered = await Promise.race([enterRoom(peer, term, c, options), left.then(() => undefined)]);
  } catch (error) {
    term.close();
    await peer.close();
    throw error;
  }
  if (entered === undefined) {
    term.close();
    return peer.close();
  }
  new Chat(peer, term, c, leave).start(entered);
  await left;
  term.close();
  await peer.close();
}

const SERVER_COMMANDS: Record<string, string> = {
  peers: 'get_peers',
  rooms: 'get_rooms',
  room: 'get_room',
  password: 'get_passwd',
};
class Chat {
  readonly #transfers: Transfers;
  readonly #downloads = new Set<Promise<unknown>>();
  #next = 0;

  constructor(
    readonly peer: Peer,
    readonly term: Terminal,
    readonly c: Colors,
    readonly leave: () => void,
  ) {
    this.#transfers = new Transfers((text) => term.print(text), c);
  }

  start(entered: string): void {
    const { peer, term, c } = this;
    const others = peer.members;
    const company = others.length ? `with ${others.join(', ')}` : 'nobody else here yet';
    this.#print(c.bold(`${entered} as ${peer.name}, ${company}; /help lists the commands`));
    peer.on('line', (line) => {
      const text = renderLine(line, c);
      if (text !== undefined) this.#print(text);
    });
    peer.on('transfer-start', (info) => {
      if (info.direction !== 'upload') return;
      this.#transfers.started(`up ${info.transferId}`, 'upload', info.user, info.file, info.size);
    });
    peer.on('transfer-end', (end) => {
      if (end.direction !== 'upload') return;
      this.#transfers.finished(`up ${end.transferId}`);
      if (end.stats && !end.error)
        this.#print(
          c.green(
            `↑ sent ${routedSummary(end.file, end.user, 'to', { ...end, stats: end.stats })}`,
          ),
        );
      else
        this.#print(
          c.red(
            `↑ sending ${end.file} to ${end.user} failed: ${end.error?.code} ${end.error?.message}`,
          ),
        );
    });
    peer.on('error', (error) => {
      this.#print(c.red(`${error.code}: ${error.message}`));
      process.exitCode = 1;
      this.leave();
    });
    // Private messages then arrive as DIRECT lines, told apart from messages to all.
    void peer.send('@server|direct_tag').catch(() => undefined);
    term.onLine = (line) => this.#typed(line);
    term.onClose = () => void Promise.allSettled([...this.#downloads]).then(this.leave);
    term.chat(`${peer.name}> `);
  }

  #print(text: string): void {
    this.term.print(text);
  }

  #typed(typed: string): void {
    const line = typed.trim();
    if (line === '') return;
    if (line.startsWith('/')) {
      this.#command(parseCommand(line));
      return;
    }
    if (!line.startsWith('@')) {
      this.#send(`@all|${line}`);
      return;
    }
    const typo = rawLocalTypo(line);
    const download = parseDownloadCommand(line);
    if (typo) this.#print(this.c.red(typo));
    else if (line.toLowerCase() === '@server|exit') this.leave();
    else if (download?.kind === 'error') this.#print(this.c.red(download.message));
    else if (download) this.#download(download.from, download.file);
    else this.#send(line);
  }

  #send(line: string): void {
    this.peer.send(line).then(
      (replies) => this.#replies(replies),
      (error: unknown) => this.#print(this.c.red(describe(error))),
    );
  }

  #replies(lines: string[]): void {
    for (const line of lines) {
      const text = renderLine(line, this.c);
      if (text !== undefined) this.#print(text);
    }
  }

  #command(parsed: Parsed): void {
    if (!parsed.ok) {
      this.#print(this.c.red(parsed.message));
      return;
    }
    const [first, second] = parsed.args;
    const server = SERVER_COMMANDS[parsed.name];
    const local = LOCAL_FORMS[parsed.name];
    if (server) this.#send(`@server|${server}`);
    // The local settings: the peer runs their 2016 form, already checked by parseCommand.
    else if (local) this.#send(['@me', local, ...parsed.args].join('|'));
    else if (parsed.name === 'help') this.#printAll(helpLines(first));
    else if (parsed.name === 'commands') this.#print(commandNames());
    else if (parsed.name === 'msg') this.#send(`@${first}|${second}`);
    else if (parsed.name === 'all') this.#send(`@all|${first}`);
    else if (parsed.name === 'whohas') void this.#whohas(first);
    else if (parsed.name === 'get') this.#download(first, second);
    else if (parsed.name === 'transfers') this.#printAll(this.#transfers.lines());
    else if (parsed.name === 'quit') this.leave();
  }

  #printAll(lines: string[]): void {
    for (const text of lines) this.#print(text);
  }

  async #whohas(file: string): Promise<void> {
    const waited = `waited ${WHOHAS_WAIT_MS / 1000} s`;
    try {
      const found = await this.peer.whohas(file, { waitMs: WHOHAS_WAIT_MS });
      if (found.length === 0)
        return this.#print(this.c.yellow(`nobody shares ${file} (${waited})`));
      const who = found.map((r) => `${r.user} (${(r.size / 1e6).toFixed(2)} MB)`).join(', ');
      this.#print(`${file} is shared by ${who} (${waited}); /get ${found[0].user} ${file}`);
    } catch (error) {
      this.#print(this.c.red(describe(error)));
    }
  }

  #download(from: string, file: string): void {
    const key = `down ${++this.#next}`;
    const running = this.peer
      .getFile(from, file, {
        onProgress: (bytes, size, owner) => this.#transfers.progress(key, owner, file, bytes, size),
      })
      .then(
        (result) => {
          const summary = routedSummary(file, result.from.user, 'from', result);
          this.#print(this.c.green(`↓ ${summary} -> ${result.path}`));
        },
        (error: unknown) => this.#print(this.c.red(`↓ ${file}: ${describe(error)}`)),
      )
      .finally(() => {
        this.#transfers.finished(key);
        this.#downloads.delete(running);
      });
    this.#downloads.add(running);
  }
}

function describe(error: unknown): string {
  if (isWhohasError(error)) return `error ${error.code}: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
