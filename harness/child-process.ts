/**
 * One mechanism for every child process the harness runs (benchmark roles, the `whohas` CLI in
 * loopback tests): spawn with piped stdin and stdout, read stdout line by line, write lines to
 * stdin, and know when it has exited. Roles (roles.ts) talk JSON lines over it; the CLI
 * wrapper (whohas-process.ts) waits for printed lines matching a pattern.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildOptions {
  cwd?: string;
  /** 'pipe' keeps stderr's lines in `stderr`; 'inherit' passes them to this process's stderr. */
  stderr?: 'pipe' | 'inherit';
}

export class ChildLines {
  readonly child: ChildProcess;
  /** stderr's lines, with `stderr: 'pipe'`. */
  readonly stderr: string[] = [];
  /** Settles once the child has exited and its output streams are closed (all lines are in). */
  readonly exited: Promise<ChildExit>;
  readonly #lineListeners: Array<(line: string) => void> = [];
  readonly #endListeners: Array<() => void> = [];

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: ChildOptions = {},
  ) {
    this.child = spawn(command, [...args], {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', options.stderr ?? 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal }));
    });
    const stdout = createInterface({
      input: this.child.stdout!,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    stdout.on('line', (line) => {
      for (const listener of this.#lineListeners) listener(line);
    });
    stdout.on('close', () => {
      for (const listener of this.#endListeners) listener();
    });
    if (this.child.stderr) {
      createInterface({ input: this.child.stderr }).on('line', (line) => this.stderr.push(line));
    }
  }

  /** Calls `listener` with each line the child prints on stdout from now on. */
  onLine(listener: (line: string) => void): void {
    this.#lineListeners.push(listener);
  }

  /** Calls `listener` once the child's stdout has ended. */
  onEnd(listener: () => void): void {
    this.#endListeners.push(listener);
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends stdin: a child reading it to the end sees end-of-file. */
  endInput(): void {
    this.child.stdin!.end();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` if the child still runs. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal);
  }
}
