/**
 * Child processes of the `whohas` CLI for loopback tests: every wait is on a printed line or on
 * the exit, never on a clock (a generous safety net turns a hang into a failure with output).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/whohas.js', import.meta.url));

/** Far beyond any healthy step, even on a loaded machine: only a broken build gets here. */
const STUCK_MS = 60_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WhohasProcess {
  readonly args: string[];
  readonly child: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  #waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];

  constructor(args: string[], cwd: string) {
    this.args = args;
    this.child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    this.#collect(this.child.stdout!, this.stdout, true);
    this.#collect(this.child.stderr!, this.stderr, false);
  }

  /** The first stdout line matching `pattern` (already printed or still to come). */
  async line(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.stdout) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    const found = new Promise<RegExpMatchArray>((resolve) =>
      this.#waiters.push({ pattern, resolve }),
    );
    const died = this.exited.then((exit): never => {
      throw new Error(
        `exited (${exit.code ?? exit.signal}) before printing ${pattern}\n${this.output()}`,
      );
    });
    return this.#bounded(Promise.race([found, died]), `a line matching ${pattern}`);
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends stdin, then waits for the exit. */
  finish(): Promise<Exit> {
    this.child.stdin!.end();
    return this.#bounded(this.exited, 'the exit');
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#bounded(this.exited, 'the exit');
  }

  output(): string {
    return `whohas ${this.args.join(' ')}\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`;
  }

  async #bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${STUCK_MS} ms\n${this.output()}`)),
        STUCK_MS,
      );
    });
    try {
      return await Promise.race([promise, stuck]);
    } finally {
      clearTimeout(timer);
    }
  }

  #collect(stream: NodeJS.ReadableStream, into: string[], match: boolean): void {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        into.push(line);
        if (!match) continue;
        for (const waiter of [...this.#waiters]) {
          const found = waiter.pattern.exec(line);
          if (found) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(found);
          }
        }
      }
    });
  }
}

/** Starts a `whohas` process in the body's folder (killed, if still running, when the body ends). */
export type Start = (args: string[]) => WhohasProcess;

/**
 * Runs `body` in a fresh temporary folder, where `start` launches `whohas` processes. Afterwards
 * every process still running is killed and the folder removed, whether the body passed or not.
 */
export async function withProcesses(body: (start: Start, dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-cli-'));
  const running: WhohasProcess[] = [];
  const start: Start = (args) => {
    const child = new WhohasProcess(args, dir);
    running.push(child);
    return child;
  };
  try {
    await body(start, dir);
  } finally {
    await Promise.all(running.map((child) => child.stop('SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  }
}

/** `whohas server` on a free loopback port; resolves with the process and its `host:port`. */
export async function startServer(
  start: Start,
): Promise<{ server: WhohasProcess; address: string }> {
  const server = start(['server', '--host', '127.0.0.1', '--port', '0', '--quiet']);
  const [, port] = await server.line(/^whohas server listening on 127\.0\.0\.1:(\d+)$/);
  return { server, address: `127.0.0.1:${port}` };
}

/**
 * `whohas peer --serve` as eswar in `chatroom`, sharing `files` from `<dir>/owner`; resolves
 * once it serves (`extra` flags: --create, --parallel ...).
 */
export async function startOwner(
  start: Start,
  dir: string,
  address: string,
  files: Record<string, Uint8Array | string>,
  extra: string[] = [],
): Promise<WhohasProcess> {
  await mkdir(join(dir, 'owner'));
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, 'owner', name), data);
  const owner = start([
    'peer',
    '--serve',
    '--name',
    'eswar',
    '--room',
    'chatroom',
    '--server',
    address,
    '--folder',
    'owner',
    ...extra,
  ]);
  await owner.line(/^whohas peer eswar serving .*\/owner in created chatroom/);
  return owner;
}
