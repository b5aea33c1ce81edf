/**
 * One cli-progress bar per running download, on stderr and only on a terminal, so piped output
 * and --json stay clean.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { megabytes } from './transfer-format.ts';

export class DownloadBars {
  readonly #multi: MultiBar | undefined;
  readonly #bars = new Map<string, SingleBar>();

  constructor(enabled = process.stderr.isTTY === true) {
    this.#multi = enabled
      ? new MultiBar(
          {
            format: ' {file} from {from} |{bar}| {percentage}% {done}/{total_mb} MB',
            clearOnComplete: true,
            hideCursor: false,
            stream: process.stderr,
          },
          Presets.shades_classic,
        )
      : undefined;
  }

  /** `key` names one download; the bar is created on its first report. */
  update(key: string, file: string, from: string, bytes: number, size: number): void {
    if (!this.#multi) return;
    let bar = this.#bars.get(key);
    if (!bar) {
      bar = this.#multi.create(Math.max(size, 1), 0, {
        file,
        from,
        total_mb: megabytes(size),
        done: '0.00',
      });
      this.#bars.set(key, bar);
    }
    bar.update(Math.min(bytes, Math.max(size, 1)), { from, done: megabytes(bytes) });
  }

  finish(key: string): void {
    const bar = this.#bars.get(key);
    if (!bar || !this.#multi) return;
    this.#bars.delete(key);
    this.#multi.remove(bar);
  }

  stop(): void {
    this.#multi?.stop();
  }
}
