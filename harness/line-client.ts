/**
 * A raw line client, like netcat: no project code between the test or scenario and the server's
 * bytes. It records every line the server sends; a reader either takes lines in order (`next`,
 * `take`, `ask`) or waits for the next line matching a pattern (`expect`). Waiting never drives
 * the network itself: the world's `until` (or `sim.until`) does, so the same client works on the
 * simulator and on real sockets.
 */
import { WhohasError } from '../impl/errors.ts';
import type { Platform, StreamSocket } from '../impl/platform/types.ts';
import { GREETING, type LoginOptions, loginSteps } from './login.ts';

export type LinePattern = string | RegExp | ((line: string) => boolean);

interface Waiter {
  matches: (line: string) => boolean;
  describe: string;
  resolve: (line: string) => void;
  reject: (error: Error) => void;
}

function matcher(pattern: LinePattern): (line: string) => boolean {
  if (typeof pattern === 'string') return (line) => line.startsWith(pattern);
  if (pattern instanceof RegExp) return (line) => pattern.test(line);
  return pattern;
}

export class LineClient {
  /** Every complete line received, without its `\n`. */
  readonly lines: string[] = [];
  /** Bytes received after the last `\n` when the connection closed. */
  partial = Buffer.alloc(0);
  #closed = false;
  /** Set when the scenario means to stop reading (a client that never reads). */
  reading = true;
  private cursor = 0;
  private waiters: Waiter[] = [];
  private readonly closeListeners: Array<() => void> = [];

  private constructor(
    readonly label: string,
    readonly socket: StreamSocket,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
  }

  static async connect(
    platform: Platform,
    port: number,
    host = '127.0.0.1',
    label = 'client',
  ): Promise<LineClient> {
    return new LineClient(label, await platform.net.connect(port, host));
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** Stops reading: the server's writes back up until it cuts this client off. */
  stopReading(): void {
    this.reading = false;
    this.socket.pause();
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * The next line at or after the cursor that matches; the cursor moves past it. Rejects with
   * INVARIANT if the connection closes first: the reply the user needed never came.
   */
  expect(pattern: LinePattern, describe = String(pattern)): Promise<string> {
    const matches = matcher(pattern);
    for (let i = this.cursor; i < this.lines.length; i++) {
      if (matches(this.lines[i])) {
        this.cursor = i + 1;
        return Promise.resolve(this.lines[i]);
      }
    }
    this.cursor = this.lines.length;
    if (this.#closed) return Promise.reject(this.closedError(describe));
    return new Promise((resolve, reject) => {
      this.waiters.push({ matches, describe, resolve, reject });
    });
  }

  /** The next line after the cursor, whatever it is; rejects if the connection closes first. */
  next(): Promise<string> {
    return this.expect(() => true, 'the next line');
  }

  /** Sends a line and returns the reply (the next line). */
  ask(line: string): Promise<string> {
    this.send(line);
    return this.next();
  }

  /** Reads `count` lines in order. */
  async take(count: number): Promise<string[]> {
    const taken: string[] = [];
    for (let i = 0; i < count; i++) taken.push(await this.next());
    return taken;
  }

  /** Reads lines until one matches; returns it (the lines skipped stay in `lines`). */
  until(match: (line: string) => boolean): Promise<string> {
    return this.expect(match);
  }

  /** Lines received since the cursor, without moving it. */
  pending(): string[] {
    return this.lines.slice(this.cursor);
  }

  /** Lines received but not yet read (the same as `pending()`). */
  get unread(): string[] {
    return this.pending();
  }

  /** Resolves once the connection is closed (by either side). */
  whenClosed(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.closeListeners.push(resolve));
  }

  /** Resolves once the connection is closed; returns the lines never read (and reads them). */
  async closed(): Promise<string[]> {
    await this.whenClosed();
    const rest = this.pending();
    this.cursor = this.lines.length;
    return rest;
  }

  /**
   * Runs the whole login dialog one answer at a time and checks every reply (harness/login.ts);
   * returns the dialog's lines. Throws with the lines seen if a reply is not the expected one.
   */
  async login(name: string, room: string, options: LoginOptions = {}): Promise<string[]> {
    const seen: string[] = [];
    const expectReply = async (prefix: string) => {
      const line = await this.next();
      seen.push(line);
      if (!line.startsWith(prefix)) {
        throw new Error(`login of ${name}: expected ${prefix}... got ${JSON.stringify(seen)}`);
      }
    };
    await expectReply(GREETING);
    for (const step of loginSteps(name, room, options)) {
      this.send(step.answer);
      for (const reply of step.replies) await expectReply(reply);
    }
    return seen;
  }

  private onData(chunk: Buffer): void {
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
      this.onLine(data.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      data = data.subarray(nl + 1);
    }
    this.partial = Buffer.from(data);
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const waiter = this.waiters.find((w) => w.matches(line));
    if (!waiter) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    this.cursor = this.lines.length;
    waiter.resolve(line);
  }

  private onClose(): void {
    this.#closed = true;
    for (const waiter of this.waiters) waiter.reject(this.closedError(waiter.describe));
    this.waiters = [];
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private closedError(describe: string): WhohasError {
    const last = this.lines.slice(-3).join(' / ');
    return new WhohasError(
      'INVARIANT',
      `${this.label}: connection closed while waiting for ${describe} (last lines: ${last || 'none'})`,
    );
  }
}
