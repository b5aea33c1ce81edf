/**
 * A small chat client for tests, on any Platform: sends lines, collects the server's lines in
 * order and waits for the ones a test expects. It never sleeps: every wait is for a line or for
 * the close, so on the simulator `sim.until(client.next())` drives it.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Platform, StreamSocket } from '../../impl/platform/types.ts';

type Waiter = { resolve: (line: string) => void; reject: (error: Error) => void };

export interface LoginPlan {
  name: string;
  create?: string;
  join?: string;
  /** With `create`: protect the room with this password; with `join`: the room's password. */
  password?: string;
}

export class ChatTestClient {
  /** Every line received, in order. */
  readonly lines: string[] = [];
  readonly socket: StreamSocket;
  #read = 0;
  #partial = '';
  // A character split between chunks is held back until its last byte arrives.
  readonly #decoder = new StringDecoder('utf8');
  #waiter: Waiter | undefined;
  #closed = false;
  readonly #closedPromise: Promise<void>;

  constructor(socket: StreamSocket) {
    this.socket = socket;
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', () => {});
    this.#closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.#closed = true;
        this.#waiter?.reject(new Error(`connection closed; lines: ${JSON.stringify(this.lines)}`));
        this.#waiter = undefined;
        resolve();
      });
    });
  }

  static async connect(platform: Platform, port: number, host = '127.0.0.1') {
    return new ChatTestClient(await platform.net.connect(port, host));
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Lines received but not yet returned by next(). */
  get unread(): string[] {
    return this.lines.slice(this.#read);
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** The next line not yet read; rejects if the connection closes first. */
  next(): Promise<string> {
    if (this.#read < this.lines.length) return Promise.resolve(this.lines[this.#read++]);
    if (this.#closed) {
      return Promise.reject(new Error(`connection closed; lines: ${JSON.stringify(this.lines)}`));
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Sends a line and returns the reply (the next line). */
  ask(line: string): Promise<string> {
    this.send(line);
    return this.next();
  }

  /** Reads `count` lines. */
  async take(count: number): Promise<string[]> {
    const taken: string[] = [];
    for (let i = 0; i < count; i++) taken.push(await this.next());
    return taken;
  }

  /** Reads lines until one matches; returns it (the lines skipped stay in `lines`). */
  async until(match: (line: string) => boolean): Promise<string> {
    for (;;) {
      const line = await this.next();
      if (match(line)) return line;
    }
  }

  /** Resolves when the connection has closed; returns the lines never read. */
  async closed(): Promise<string[]> {
    await this.#closedPromise;
    const rest = this.lines.slice(this.#read);
    this.#read = this.lines.length;
    return rest;
  }

  /**
   * Runs the whole login dialog and checks every reply; returns the dialog's lines.
   * Throws with the lines seen if any reply is not the expected OK.
   */
  async login(plan: LoginPlan): Promise<string[]> {
    const seen: string[] = [];
    const expectOk = async (prefix: string) => {
      const line = await this.next();
      seen.push(line);
      if (!line.startsWith(prefix)) {
        throw new Error(`login of ${plan.name}: expected ${prefix}... got ${JSON.stringify(seen)}`);
      }
    };
    await expectOk('OK|Welcome to whohas');
    this.send(plan.name);
    await expectOk(`OK|Username ${plan.name} accepted`);
    if (plan.create !== undefined) {
      this.send('create');
      await expectOk('OK|Specify a chatroom name');
      this.send(plan.create);
      await expectOk(`OK|Chatroom ${plan.create} created`);
      if (plan.password === undefined) {
        this.send('no');
        await expectOk('OK|Chatroom has been made public.');
      } else {
        this.send('yes');
        await expectOk('OK|Specify a password');
        this.send(plan.password);
        await expectOk(`OK|Chatroom ${plan.create} is now password protected.`);
      }
    } else if (plan.join !== undefined) {
      this.send('join');
      await expectOk('OK|Here is a list');
      await expectOk('ROOMS');
      this.send(plan.join);
      if (plan.password !== undefined) {
        await expectOk(`OK|Chatroom ${plan.join} is password protected.`);
        this.send(plan.password);
      }
      await expectOk('OK|You have joined chatroom');
      await expectOk('PEERS');
    } else {
      throw new Error('login plan needs create or join');
    }
    await expectOk('OK|Welcome to ');
    return seen;
  }

  #onData(chunk: Buffer): void {
    const parts = (this.#partial + this.#decoder.write(chunk)).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.lines.push(line);
    if (this.#waiter !== undefined && this.#read < this.lines.length) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(this.lines[this.#read++]);
    }
  }
}
