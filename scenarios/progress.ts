/**
 * A progress line for long suites, on stderr: on a terminal one line rewritten in place (at most
 * every `ttyEveryMs`), elsewhere (CI logs) a plain line at most every `everyMs`, so a short run
 * prints nothing and a long one does not spam its log.
 */
export interface ProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  now?: () => number;
  /** Non-terminal: least milliseconds between lines (default 15 s). */
  everyMs?: number;
  /** Terminal: least milliseconds between redraws (default 100 ms). */
  ttyEveryMs?: number;
}

export interface Progress {
  update(done: number, total: number, failed: number): void;
  /** Clears a terminal's progress line (plain lines stay). */
  finish(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const every = options.tty ? (options.ttyEveryMs ?? 100) : (options.everyMs ?? 15_000);
  const started = now();
  let last = options.tty ? Number.NEGATIVE_INFINITY : started;
  let drawn = false;
  return {
    update(done, total, failed) {
      const t = now();
      if (t - last < every && done < total) return;
      if (!options.tty && done >= total) return;
      last = t;
      const line = `scenarios: ${done}/${total} runs done, ${failed} failed, ${((t - started) / 1000).toFixed(0)} s`;
      if (options.tty) {
        options.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        options.write(`${line}\n`);
      }
    },
    finish() {
      if (drawn) options.write('\r\x1b[K');
      drawn = false;
    },
  };
}
