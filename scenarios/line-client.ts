/**
 * A raw line client, like netcat: no project code between the scenario and the server's bytes.
 * It records every line the server sends, and lets a scenario wait for the next line matching a
 * pattern. Waiting never drives the network itself: the world's `until` does, so the same client
 * works on the simulator and on real sockets.
 */
import { WhohasError } from '../impl/errors.ts';
import type { Platform, StreamSocket } from '../impl/platform/types.ts';

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
  closed = false;
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
    host: string,
    port: number,
    label: string,
  ): Promise<LineClient> {
    return new LineClient(label, await platform.net.connect(port, host));
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
    if (this.closed) return Promise.reject(this.closedError(describe));
    return new Promise((resolve, reject) => {
      this.waiters.push({ matches, describe, resolve, reject });
    });
  }

  /** Lines received since the cursor, without moving it. */
  pending(): string[] {
    return this.lines.slice(this.cursor);
  }

  /** Resolves once the connection is closed (by either side). */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeListeners.push(resolve));
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
    this.closed = true;
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

/** The lines a user types through the login dialog, as the server asks for them. */
export function loginAnswers(
  name: string,
  room: string,
  options: { create?: boolean; password?: string },
): string[] {
  if (!options.create) return [name, 'join', room, ...(options.password ? [options.password] : [])];
  return [name, 'create', room, ...(options.password ? ['yes', options.password] : ['no'])];
}
