/**
 * The client side of the login dialog (docs/PROTOCOL.md, "The login dialog"): one status line
 * (`OK|...` / `ERROR|<CODE>|...`) per answer, data lines (`ROOMS`, `PEERS`) after some of them,
 * and the welcome line last. A refusal rejects with the server's own code.
 */

import { keyedAnswer, proveKey } from '../chat/login-key.ts';
import { type ErrorCode, WhohasError } from '../errors.ts';
import type { Clock, TimerHandle } from '../platform/types.ts';
import type { KeyPair } from '../seal/keys.ts';
import type { ChatConnection } from './chat-connection.ts';

export interface RoomEntry {
  room: string;
  /** Users already in the room when we entered, in join order. */
  members: string[];
}

/** Reads the dialog's lines one at a time, failing when the server goes quiet or away. */
export class Dialog {
  readonly #connection: ChatConnection;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #queue: string[] = [];
  #waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  #closedReason: string | undefined;
  #foreign: WhohasError | undefined;
  readonly #onLine = (line: string) => {
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(line);
    } else this.#queue.push(line);
  };
  readonly #onClose = (reason: string) => {
    this.#closedReason = reason;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#goneError());
  };

  readonly #onForeign = (start: string) => {
    this.#foreign = new WhohasError(
      'NOT_A_WHOHAS_SERVER',
      `not a whohas server: it sent ${JSON.stringify(start)}, not an OK|/ERROR|/INFO| line`,
    );
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#foreign);
  };

  constructor(connection: ChatConnection, clock: Clock, timeoutMs: number) {
    this.#connection = connection;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    connection.on('line', this.#onLine);
    connection.on('close', this.#onClose);
    connection.on('foreign', this.#onForeign);
    if (connection.foreign !== undefined) this.#onForeign(connection.foreign);
  }

  detach(): void {
    this.#connection.off('line', this.#onLine);
    this.#connection.off('close', this.#onClose);
    this.#connection.off('foreign', this.#onForeign);
  }

  send(line: string): void {
    this.#connection.send(line);
  }

  next(): Promise<string> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#foreign) return Promise.reject(this.#foreign);
    if (this.#closedReason !== undefined) return Promise.reject(this.#goneError());
    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const settle = () => this.#clock.clearTimeout(timer);
      this.#waiter = {
        resolve: (line) => {
          settle();
          resolve(line);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      timer = this.#clock.setTimeout(() => {
        this.#waiter = undefined;
        reject(
          new WhohasError(
            'LOGIN_TIMEOUT',
            `the server did not answer within ${this.#timeoutMs} ms during login`,
          ),
        );
      }, this.#timeoutMs);
    });
  }

  /** The next `OK` or `ERROR` line; an `ERROR` rejects with its code. Other lines are skipped. */
  async status(): Promise<string> {
    for (;;) {
      const line = await this.next();
      if (line.startsWith('OK|') || line === 'OK') return line;
      if (line.startsWith('ERROR|')) throw errorFromLine(line);
    }
  }

  /** The next line starting with `<tag>|` (or equal to the bare tag), as its fields. */
  async data(tag: string): Promise<string[]> {
    for (;;) {
      const line = await this.next();
      if (line.startsWith('ERROR|')) throw errorFromLine(line);
      if (line === tag || line.startsWith(`${tag}|`)) return line.split('|').slice(1);
    }
  }

  async welcome(): Promise<void> {
    for (;;) {
      const line = await this.status();
      if (line.startsWith('OK|Welcome to ')) return;
    }
  }

  #goneError(): WhohasError {
    return new WhohasError('SERVER_GONE', `login failed: ${this.#closedReason}`);
  }
}

/** `ERROR|<CODE>|<text>` as a WhohasError with the server's code. */
export function errorFromLine(line: string): WhohasError {
  const [, code = 'BAD_FORMAT', ...text] = line.split('|');
  return new WhohasError(code as ErrorCode, text.join('|') || line);
}

/**
 * Greets and sends the username; with an identity, the keyed form, then the signature of the
 * server's challenge (docs/PROTOCOL.md, "User keys").
 */
export async function greetAndLogin(
  dialog: Dialog,
  name: string,
  identity?: KeyPair,
): Promise<void> {
  const greeting = await dialog.status();
  if (!greeting.startsWith('OK|Welcome to whohas')) {
    throw new WhohasError(
      'NOT_A_WHOHAS_SERVER',
      `not a whohas server: it greeted with "${greeting}"`,
    );
  }
  dialog.send(identity ? keyedAnswer(name, identity) : name);
  const accepted = await dialog.status();
  if (identity && accepted.startsWith('OK|CHALLENGE|')) {
    dialog.send(proveKey(identity, name, accepted.split('|')[2] ?? ''));
    await dialog.status();
  }
}

export async function createRoom(
  dialog: Dialog,
  room: string,
  password: string | undefined,
): Promise<RoomEntry> {
  dialog.send('create');
  await dialog.status();
  dialog.send(room);
  await dialog.status();
  dialog.send(password === undefined ? 'no' : 'yes');
  await dialog.status();
  if (password !== undefined) {
    dialog.send(password);
    await dialog.status();
  }
  await dialog.welcome();
  return { room, members: [] };
}

export async function joinRoom(
  dialog: Dialog,
  room: string,
  password: string | undefined,
): Promise<RoomEntry> {
  dialog.send('join');
  await dialog.status();
  const rooms = await dialog.data('ROOMS');
  if (!rooms.some((listed) => listed.toLowerCase() === room.toLowerCase())) {
    throw new WhohasError('NO_SUCH_ROOM', `there is no room named ${room}`);
  }
  dialog.send(room);
  // The grammar gives no code for "joined" versus "send the password": only the text differs.
  const answer = await dialog.status();
  if (!answer.startsWith('OK|You have joined')) {
    if (password === undefined) {
      throw new WhohasError('BAD_PASSWORD', `room ${room} is private: a password is needed`);
    }
    dialog.send(password);
    await dialog.status();
  }
  const members = await dialog.data('PEERS');
  await dialog.welcome();
  return { room, members };
}
