/**
 * The 2016 report's dialog texts (`whohas server --dialog 2016`), where they differ from ours
 * (docs/PROTOCOL.md, "The 2016 dialog"). The server's lines are written as always and turned into
 * the 2016 texts on their way out of each connection: a small table of texts, and one piece of
 * state (the peers list right after a join is a header and one name per line; asked for later it
 * is one line of names joined by '|', as `@server|get_peers` answered in 2016).
 */

/** The dialogs a server speaks: ours (default) or the 2016 report's. */
export const DIALOGS = ['whohas', '2016'] as const;
export type DialogName = (typeof DIALOGS)[number];

/** Turns one line the server wrote into the lines a connection of this dialog receives. */
export interface DialogTranslator {
  translate(line: string): string[];
}

/** The 2016 texts, keyed by what they replace. */
export const TEXTS_2016 = {
  /** The greeting: untagged, no welcome to whohas. */
  greeting: 'Please enter your username',
  /** Before the names of the room's members, after a join. */
  peersHeader: 'Here is a list of peers in the room:',
} as const;

const GREETING_WHOHAS = 'OK|Welcome to whohas. Please enter your username';
const WELCOME = /^OK\|(Welcome to .+\. You are all set to pass messages)$/;
const JOINED_ROOM = 'OK|You have joined chatroom - ';

export class Dialog2016 implements DialogTranslator {
  /** The next PEERS line is the list a join sends (header and a name per line). */
  #joining = false;

  translate(line: string): string[] {
    if (line === GREETING_WHOHAS) return [TEXTS_2016.greeting];
    const welcome = WELCOME.exec(line);
    if (welcome) return [welcome[1]];
    if (line.startsWith(JOINED_ROOM)) {
      this.#joining = true;
      return [line];
    }
    const fields = line.split('|');
    switch (fields[0]) {
      case 'ROOMS':
        // 2016 listed the rooms one per line, untagged (also for @server|get_rooms).
        return fields.slice(1);
      case 'PEERS': {
        const names = fields.slice(1);
        if (!this.#joining) return [names.join('|')];
        this.#joining = false;
        return [TEXTS_2016.peersHeader, ...names];
      }
      case 'INFO':
        // INFO|JOINED|eko|New user eko has joined -> INFO| New user eko has joined
        return fields.length >= 4 ? [`INFO| ${fields.slice(3).join('|')}`] : [line];
      default:
        return [line];
    }
  }
}

/** A translator per connection for `dialog`, or undefined for ours (nothing to translate). */
export function dialogTranslator(dialog: DialogName | undefined): DialogTranslator | undefined {
  return dialog === '2016' ? new Dialog2016() : undefined;
}

/** Translates bytes of whole '\n'-ended lines; the same Buffer when nothing changes. */
export function translateBytes(translator: DialogTranslator, bytes: Buffer): Buffer {
  const text = bytes.toString('utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const out = lines.flatMap((line) => translator.translate(line));
  const joined = `${out.join('\n')}\n`;
  return joined === text ? bytes : Buffer.from(joined);
}
