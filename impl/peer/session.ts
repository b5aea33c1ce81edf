/**
 * One user's presence on the chat server: connecting (the 2016 ports by default), the login
 * dialog, the room and its members (from PEERS and INFO lines), and noticing when the server
 * goes away. The Peer builds the file protocol on top.
 */

import { EventEmitter } from 'node:events';
import { nameKey } from '../chat/wire.ts';
import { isWhohasError, WhohasError } from '../errors.ts';
import type { Platform } from '../platform/types.ts';
import type { KeyPair } from '../seal/keys.ts';
import { ChatConnection } from './chat-connection.ts';
import { DEFAULT_SERVER_HOST, DEFAULT_SERVER_PORTS, type ServerAddress } from './limits.ts';
import {
  createRoom,
  Dialog,
  errorFromLine,
  greetAndLogin,
  joinRoom,
  type RoomEntry,
} from './login.ts';
import type { PeerOptions } from './peer-options.ts';
import { connectTrusted, isTrustFailure, type ServerTrust } from './server-trust.ts';

export type SessionState = 'idle' | 'connected' | 'in-room' | 'gone' | 'closed';

export interface SessionEvents {
  /** Every line from the server, login dialog included. */
  line: [line: string];
  /** A line received while in the room. */
  'room-line': [line: string];
  left: [user: string];
  gone: [error: WhohasError];
}

/** After `@server|exit` and our FIN, how long the server gets to close before we reset. */
const CLOSE_GRACE_MS = 2000;

export class ChatSession extends EventEmitter<SessionEvents> {
  readonly #platform: Platform;
  readonly #name: string;
  readonly #server: ServerAddress | undefined;
  readonly #loginTimeoutMs: number;
  readonly #members = new Map<string, string>();
  #connection: ChatConnection | undefined;
  #connectedTo: ServerAddress | undefined;
  #state: SessionState = 'idle';
  #room: string | undefined;
  #lastServerError: string | undefined;
  #goneError: WhohasError | undefined;
  readonly #tls: ServerTrust | undefined;
  readonly #identity: KeyPair | undefined;

  constructor(
    platform: Platform,
    name: string,
    server: ServerAddress | undefined,
    loginTimeoutMs: number,
    tls?: ServerTrust,
    identity?: KeyPair,
  ) {
    super();
    this.#tls = tls;
    this.#identity = identity;
    this.#platform = platform;
    this.#name = name;
    this.#server = server;
    this.#loginTimeoutMs = loginTimeoutMs;
  }

  /** The session of a Peer built from `options`. */
  static forPeer(options: PeerOptions, loginTimeoutMs: number): ChatSession {
    const { platform, name, server, tls, identity } = options;
    return new ChatSession(platform, name, server, loginTimeoutMs, tls, identity);
  }

  get name(): string {
    return this.#name;
  }

  get state(): SessionState {
    return this.#state;
  }
  get room(): string | undefined {
    return this.#room;
  }
  get server(): ServerAddress | undefined {
    return this.#connectedTo;
  }
  get members(): string[] {
    return [...this.#members.values()];
  }
  isMember(user: string): boolean {
    return this.#members.has(nameKey(user));
  }
  /** The address our chat socket uses: datagram sockets bind to it and advertise it. */
  get localAddress(): string {
    return this.#connection?.localAddress ?? DEFAULT_SERVER_HOST;
  }
  /** The server's address as our chat socket sees it (a name resolved): its UDP side is there. */
  get remoteAddress(): string | undefined {
    return this.#connection?.remoteAddress;
  }

  /** Sends a line the user asked for: false without a connection, OUTBOX_FULL past the cap. */
  send(line: string): boolean {
    return this.#connection?.send(line) ?? false;
  }

  /** Sends a line the peer produced by itself; dropped (and counted) while the outbox is full. */
  sendAutomatic(line: string): boolean {
    return this.#connection?.sendAutomatic(line) ?? false;
  }

  /** Automatic lines dropped on a full outbox (only a connection in a room sends any). */
  get droppedLines(): number {
    return this.#connection?.droppedLines ?? 0;
  }

  requireRoom(): void {
    if (this.#state === 'in-room') return;
    if (this.#state === 'gone' && this.#goneError) throw this.#goneError;
    throw new WhohasError('NOT_LOGGED_IN', `the peer must be in a room; it is ${this.#state}`);
  }

  async connect(): Promise<void> {
    if (this.#state !== 'idle') {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `connect() needs an idle peer; this one is ${this.#state}`,
      );
    }
    const candidates = this.#server
      ? [this.#server]
      : DEFAULT_SERVER_PORTS.map((port) => ({ host: DEFAULT_SERVER_HOST, port }));
    const refusals: string[] = [];
    for (const candidate of candidates) {
      try {
        const socket = this.#tls
          ? await connectTrusted(this.#platform, candidate, this.#tls)
          : await this.#platform.net.connect(candidate.port, candidate.host);
        this.#attach(new ChatConnection(socket), candidate);
        break;
      } catch (error) {
        if (isTrustFailure(error)) throw error;
        refusals.push(
          `${candidate.host}:${candidate.port} ${(error as { code?: string }).code ?? error}`,
        );
      }
    }
    if (!this.#connection) {
      throw new WhohasError(
        'CONNECT_FAILED',
        `cannot reach a whohas server (${refusals.join(', ')})`,
      );
    }
    await this.#dialog((dialog) => greetAndLogin(dialog, this.#name, this.#identity));
    this.#state = 'connected';
  }

  create(room: string, password: string | undefined): Promise<void> {
    return this.#enter((dialog) => createRoom(dialog, room, password));
  }

  join(room: string, password: string | undefined): Promise<void> {
    return this.#enter((dialog) => joinRoom(dialog, room, password));
  }

  /** Joins, or creates the room if it does not exist; reconnects in between (no way back in the dialog). */
  async joinOrCreate(room: string, password: string | undefined): Promise<'joined' | 'created'> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.join(room, password);
        return 'joined';
      } catch (error) {
        if (!isWhohasError(error, 'NO_SUCH_ROOM') || attempt > 0) throw error;
      }
      await this.connect();
      try {
        await this.create(room, password);
        return 'created';
      } catch (error) {
        if (!isWhohasError(error, 'ROOM_EXISTS')) throw error;
      }
      await this.connect();
    }
  }

  /** Leaves with `@server|exit` and waits for the connection to close (reset after a grace). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const inRoom = this.#state === 'in-room';
    this.#state = 'closed';
    const connection = this.#connection;
    if (!connection || connection.closed) return;
    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    if (inRoom) connection.sendAutomatic('@server|exit');
    connection.end();
    const clock = this.#platform.clock;
    const timer = clock.setTimeout(() => connection.destroy(), CLOSE_GRACE_MS);
    await closed;
    clock.clearTimeout(timer);
  }

  #attach(connection: ChatConnection, server: ServerAddress): void {
    this.#connection = connection;
    this.#connectedTo = server;
    connection.on('line', (line) => {
      this.emit('line', line);
      if (this.#state === 'in-room' && this.#connection === connection) this.#onRoomLine(line);
    });
    connection.on('close', (reason) => {
      if (this.#connection === connection) this.#onClosed(reason);
    });
  }

  async #dialog<T>(step: (dialog: Dialog) => Promise<T>): Promise<T> {
    const dialog = new Dialog(this.#connection!, this.#platform.clock, this.#loginTimeoutMs);
    try {
      return await step(dialog);
    } catch (error) {
      // A refused step leaves the dialog where no answer can undo it: start afresh from idle.
      const connection = this.#connection;
      this.#connection = undefined;
      if (this.#state !== 'closed') this.#state = 'idle';
      connection?.destroy();
      throw error;
    } finally {
      dialog.detach();
    }
  }

  async #enter(step: (dialog: Dialog) => Promise<RoomEntry>): Promise<void> {
    if (this.#state !== 'connected') {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `create/join need a connected peer; this one is ${this.#state}`,
      );
    }
    const entry = await this.#dialog(step);
    this.#room = entry.room;
    this.#members.clear();
    for (const user of entry.members) this.#members.set(nameKey(user), user);
    this.#state = 'in-room';
  }

  #onRoomLine(line: string): void {
    if (line.startsWith('INFO|')) {
      const [, event, user] = line.split('|');
      if (event === 'JOINED' && user) this.#members.set(nameKey(user), user);
      if (event === 'LEFT' && user) {
        this.#members.delete(nameKey(user));
        this.emit('left', user);
      }
    } else if (line.startsWith('ERROR|')) {
      // Kept to explain a disconnection that may follow (KILLED, ROOM_CLOSED, SERVER_SHUTDOWN...).
      this.#lastServerError = errorFromLine(line).message;
    }
    this.emit('room-line', line);
  }

  #onClosed(reason: string): void {
    if (this.#state !== 'in-room' && this.#state !== 'connected') return;
    this.#state = 'gone';
    const why = this.#lastServerError ?? reason;
    this.#goneError = new WhohasError('SERVER_GONE', `the chat server connection is gone: ${why}`);
    this.emit('gone', this.#goneError);
  }
}
