/**
 * Load-generator chat clients on raw node:net (the load runs in its own process). After the
 * login a client only counts the lines it receives, unless it is given a line handler: counting
 * newline bytes keeps the generator cheap, so the server is what gets measured.
 */
import * as net from 'node:net';
import { loginAnswers, welcomePrefix } from '../../harness/login.ts';

const NEWLINE = 0x0a;

export class LoadClient {
  readonly name: string;
  readonly socket: net.Socket;
  /** Lines received since the login finished. */
  count = 0;
  /** Called for each line after the login, if set (probes); otherwise lines are only counted. */
  onLine: ((line: string) => void) | undefined;
  /** Called after each chunk with the number of lines it held. */
  onCount: ((lines: number) => void) | undefined;
  readonly welcomed: Promise<void>;
  readonly closed: Promise<void>;
  #loggedIn = false;
  #text = '';
  /** The dialog's last line (the greeting also starts `OK|Welcome to `, so the room counts). */
  #welcome = '\0';

  constructor(socket: net.Socket, name: string) {
    this.socket = socket;
    this.name = name;
    socket.setNoDelay(true);
    let welcome!: () => void;
    let fail!: (error: Error) => void;
    this.welcomed = new Promise((resolve, reject) => {
      welcome = resolve;
      fail = reject;
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => fail(new Error(`${name} closed during login: ${this.#text}`)));
    socket.on('data', (chunk: Buffer) => {
      if (this.#loggedIn) return this.#received(chunk);
      this.#text += chunk.toString('utf8');
      const at = this.#text.indexOf(this.#welcome);
      if (at === -1) return;
      const end = this.#text.indexOf('\n', at);
      if (end === -1) return;
      this.#loggedIn = true;
      const rest = Buffer.from(this.#text.slice(end + 1));
      this.#text = '';
      welcome();
      if (rest.length > 0) this.#received(rest);
    });
  }

  static connect(port: number, name: string): Promise<LoadClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new LoadClient(socket, name)));
      socket.once('error', reject);
    });
  }

  /** Sends the whole login dialog at once (the server processes pipelined answers in order). */
  login(room: string, create: boolean): Promise<void> {
    this.#welcome = welcomePrefix(room);
    this.socket.write(`${loginAnswers(this.name, room, { create }).join('\n')}\n`);
    return this.welcomed;
  }

  #received(chunk: Buffer): void {
    if (this.onLine !== undefined) {
      const lines = (this.#text + chunk.toString('utf8')).split('\n');
      this.#text = lines.pop() ?? '';
      this.count += lines.length;
      for (const line of lines) this.onLine(line);
      this.onCount?.(lines.length);
      return;
    }
    let lines = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    this.count += lines;
    this.onCount?.(lines);
  }
}

/**
 * Clients in rooms of `roomSize` (names u0, u1, ...; rooms r0, r1, ...), all logged in. With
 * several ports (servers of a cluster) client i goes to port i mod count: rooms spread evenly.
 */
export async function populate(
  ports: number | readonly number[],
  clients: number,
  roomSize: number,
  prefix = 'u',
  roomPrefix = 'r',
): Promise<LoadClient[][]> {
  const all = typeof ports === 'number' ? [ports] : ports;
  const port = (index: number) => all[index % all.length];
  const rooms: LoadClient[][] = [];
  // Creators first, so every room exists before its joiners ask for it.
  const creators = await inBatches(Math.ceil(clients / roomSize), async (room) => {
    const client = await LoadClient.connect(port(room * roomSize), `${prefix}${room * roomSize}`);
    await client.login(`${roomPrefix}${room}`, true);
    return client;
  });
  for (const creator of creators) rooms.push([creator]);
  const joiners = await inBatches(clients, async (index) => {
    if (index % roomSize === 0) return undefined;
    const client = await LoadClient.connect(port(index), `${prefix}${index}`);
    await client.login(`${roomPrefix}${Math.floor(index / roomSize)}`, false);
    return client;
  });
  joiners.forEach((client, index) => {
    if (client !== undefined) rooms[Math.floor(index / roomSize)].push(client);
  });
  return rooms;
}

/** Runs `make(i)` for i < count, at most 200 at a time (the listen backlog is finite). */
async function inBatches<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 200); i++) batch.push(make(i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}
