/**
 * A real pseudo-terminal for console tests: tmux (Debian's `tmux`, installed by .ci/run) runs a
 * command in a detached session on a server of its own (`-L`, never the user's), the test types
 * with send-keys and reads what a person would see with capture-pane. Every wait polls the screen
 * and is bounded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_CLI } from '../../harness/whohas-process.ts';

/** Why tmux cannot be used here, or undefined. */
export function tmuxUnavailable(): string | undefined {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'tmux is not installed (Debian package tmux)';
}

/** Far beyond any healthy step on a loaded machine: a hang becomes a failure with the screen. */
const STUCK_MS = 60_000;
let sessions = 0;

export class TmuxSession {
  readonly #socket: string;
  /**
   * Where the shell writes the program's exit status: tmux 3.3 sometimes marks a pane dead
   * (its pty closed) without ever reporting the status of the process that ran in it.
   */
  readonly #statusFile: string;

  /** Starts `whohas <args>` (the sources, through tsx) in `cwd` on an 100×40 terminal. */
  constructor(args: string[], cwd: string, env: Record<string, string> = {}) {
    this.#socket = `whohas-test-${process.pid}-${++sessions}`;
    const command = [process.execPath, ...SOURCE_CLI, ...args].map(quote).join(' ');
    const exports = Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`);
    // remain-on-exit: the last screen and the exit status stay readable after the program ends.
    this.#statusFile = join(tmpdir(), `${this.#socket}.status`);
    // The shell outlives the program to record its status; `trap true INT` keeps a ^C signal
    // (outside raw mode) from ending the shell first, and is reset to default for the program.
    const shell =
      `trap true INT; env ${['-u', 'NO_COLOR', '-u', 'FORCE_COLOR', ...exports].join(' ')} ${command}; ` +
      `echo $? > ${quote(this.#statusFile)}`;
    this.#tmux(
      ...['-f', '/dev/null', 'start-server', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';'],
      ...['new-session', '-d', '-x', '100', '-y', '40', '-c', cwd, shell],
    );
  }

  /** Types `text` literally, then Enter unless `enter` is false. */
  type(text: string, enter = true): void {
    if (text !== '') this.#tmux('send-keys', '-l', text);
    if (enter) this.#tmux('send-keys', 'Enter');
  }

  /** Named keys (Tab, Enter, C-c). */
  keys(...keys: string[]): void {
    this.#tmux('send-keys', ...keys);
  }

  /** The screen as text, trailing blank lines dropped; `escapes`: colour codes kept. */
  screen(escapes = false): string {
    const out = this.#tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-S', '-200');
    return out.replace(/\n+$/, '');
  }

  /** Waits until the screen matches `pattern`; the match. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const deadline = Date.now() + STUCK_MS;
    for (;;) {
      const match = pattern.exec(this.screen());
      if (match) return match;
      if (Date.now() > deadline) {
        throw new Error(`the screen never showed ${pattern}:\n${this.screen()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The program's exit status once it has ended (bounded wait). */
  async exitStatus(): Promise<number> {
    const deadline = Date.now() + STUCK_MS;
    for (;;) {
      const dead = this.#tmux('display', '-p', '#{pane_dead}').trim() === '1';
      if (dead && existsSync(this.#statusFile)) {
        const text = readFileSync(this.#statusFile, 'utf8').trim();
        if (text !== '') return Number(text);
      }
      if (Date.now() > deadline) throw new Error(`still running:\n${this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.#socket, 'kill-server']);
    rmSync(this.#statusFile, { force: true });
  }

  #tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.#socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
