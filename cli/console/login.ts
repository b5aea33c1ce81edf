/**
 * Asking a person for what the login needs: a name, a room, whether to create it, its password
 * (not echoed). A wrong password is asked again, as many times as the server allows a step
 * (maxLoginTries, 5); each try is a fresh login, since the dialog has no way back.
 */

import { DEFAULT_LIMITS } from '../../impl/chat/limits.ts';
import { nameProblem, normalizeName } from '../../impl/chat/wire.ts';
import { isWhohasError } from '../../impl/errors.ts';
import type { Peer } from '../../impl/peer/index.ts';
import type { Colors } from './colors.ts';
import type { Terminal } from './terminal.ts';

/** As many answers as the server takes at one step of its dialog. */
export const TRIES = DEFAULT_LIMITS.maxLoginTries;

export interface EntryFlags {
  room?: string;
  create?: boolean;
  join?: boolean;
  password?: string;
}

/** A name or room name, asked until it is valid; undefined at the end of input or after TRIES. */
export async function askName(
  term: Terminal,
  c: Colors,
  question: string,
  given?: string,
): Promise<string | undefined> {
  if (given !== undefined) return given;
  for (let tries = 0; tries < TRIES; tries++) {
    const answer = await term.ask(question);
    if (answer === undefined) return undefined;
    const name = normalizeName(answer.trim());
    const problem = nameProblem(name);
    if (problem === undefined) return name;
    term.print(c.red(`"${name}" will not do: ${problem}`));
  }
  return undefined;
}

/** Connects and enters the room; resolves to what happened (`joined chatroom`), or undefined. */
export async function enterRoom(
  peer: Peer,
  term: Terminal,
  c: Colors,
  flags: EntryFlags,
): Promise<string | undefined> {
  const room = await askName(term, c, 'room: ', flags.room);
  if (room === undefined) return undefined;
  await peer.connect();
  if (!flags.create) {
    const joined = await join(peer, term, c, room, flags.password);
    if (joined !== 'no-room') return joined;
    if (flags.join) throw new Error(`there is no room named ${room} (--join)`);
    const answer = await term.ask(`there is no room named ${room}; create it? (y/n) [y] `);
    if (answer === undefined || /^n/i.test(answer.trim())) return undefined;
    await peer.connect();
  }
  let password = flags.password;
  if (password === undefined && term.tty) {
    const typed = await term.ask(`password for ${room} (empty: a public room): `, true);
    if (typed === undefined) return undefined;
    password = typed === '' ? undefined : typed;
  }
  await peer.create(room, { password });
  return `created ${room}${password === undefined ? ' (public)' : ' (private)'}`;
}

async function join(
  peer: Peer,
  term: Terminal,
  c: Colors,
  room: string,
  given: string | undefined,
): Promise<string | undefined | 'no-room'> {
  let password = given;
  for (let tries = 0; ; tries++) {
    try {
      await peer.join(room, { password });
      return `joined ${room}`;
    } catch (error) {
      if (isWhohasError(error, 'NO_SUCH_ROOM')) return 'no-room';
      const wrong = isWhohasError(error, 'WRONG_PASSWORD') || isWhohasError(error, 'BAD_PASSWORD');
      if (!wrong) throw error;
      if (tries >= TRIES) {
        term.print(c.red(`${TRIES} passwords refused; giving up`));
        return undefined;
      }
      if (password !== undefined) term.print(c.red(`wrong password for ${room}`));
    }
    password = await term.ask(`password for ${room}: `, true);
    if (password === undefined) return undefined;
    await peer.connect();
  }
}
