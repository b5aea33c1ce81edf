/**
 * The `whohas` CLI as a child process (over child-process.ts), for loopback tests: every wait is
 * on a printed line or on the exit, never on a clock (a generous safety net turns a hang into a
 * failure with the output).
 */
import { fileURLToPath } from 'node:url';
import { type ChildExit, ChildLines } from './child-process.ts';
import { IP } from './netns.ts';

/**
 * How tests run the CLI: its TypeScript sources through tsx, never bin/whohas.js, which prefers
 * the dist/ bundle (built at `npm ci`, so possibly older than the sources under test).
 */
export const SOURCE_CLI: readonly string[] = [
  '--import',
  import.meta.resolve('tsx'),
  fileURLToPath(new URL('../cli/main.ts', import.meta.url)),
];

/** Far beyond any healthy step, even on a loaded machine: only a broken build gets here. */
const STUCK_MS = 60_000;

export class WhohasProcess {
  readonly args: string[];
  readonly stdout: string[] = [];
  readonly exited: Promise<ChildExit>;
  readonly #process: ChildLines;
  #waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];

  /** `netns`: run inside that network namespace (`ip netns exec`, which execs: one process). */
  constructor(args: string[], cwd: string, options: { netns?: string } = {}) {
    this.args = args;
    const node = [process.execPath, ...SOURCE_CLI, ...args];
    const [command, ...rest] = options.netns ? [IP, 'netns', 'exec', options.netns, ...node] : node;
    this.#process = new ChildLines(command, rest, { cwd, stderr: 'pipe' });
    this.exited = this.#process.exited;
    this.#process.onLine((line) => this.#onLine(line));
  }

  get stderr(): readonly string[] {
    return this.#process.stderr;
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
    this.#process.write(line);
  }

  /** Ends stdin, then waits for the exit. */
  finish(): Promise<ChildExit> {
    this.#process.endInput();
    return this.#bounded(this.exited, 'the exit');
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> {
    this.#process.kill(signal);
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

  #onLine(line: string): void {
    this.stdout.push(line);
    for (const waiter of [...this.#waiters]) {
      const found = waiter.pattern.exec(line);
      if (found) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  }
}
