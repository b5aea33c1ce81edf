/**
 * Downloads and uploads under way, as a person follows them: a line when one starts, one at each
 * quarter of a download, one when it ends, and `/transfers` listing them all with their progress.
 * Uploads report no byte count while they run (the peer tells their start and end), so they are
 * listed with their size and how long they have run.
 */
import type { Colors } from './colors.ts';

interface Running {
  direction: 'download' | 'upload';
  user: string;
  file: string;
  size: number;
  bytes: number;
  startedAt: number;
  /** Quarters of the download already told. */
  told: number;
}

export class Transfers {
  readonly #running = new Map<string, Running>();
  readonly #print: (text: string) => void;
  readonly #c: Colors;
  readonly #now: () => number;

  constructor(print: (text: string) => void, c: Colors, now: () => number = Date.now) {
    this.#print = print;
    this.#c = c;
    this.#now = now;
  }

  get size(): number {
    return this.#running.size;
  }

  started(
    key: string,
    direction: Running['direction'],
    user: string,
    file: string,
    size: number,
  ): void {
    if (this.#running.has(key)) return;
    this.#running.set(key, {
      direction,
      user,
      file,
      size,
      bytes: 0,
      startedAt: this.#now(),
      told: 0,
    });
    const what =
      direction === 'download'
        ? `↓ downloading ${file} from ${user}`
        : `↑ sending ${file} to ${user}`;
    this.#print(this.#c.dim(size > 0 ? `${what} (${mb(size)} MB)` : what));
  }

  /** A download's progress; prints at 25, 50 and 75 %. */
  progress(key: string, user: string, file: string, bytes: number, size: number): void {
    this.started(key, 'download', user, file, size);
    const running = this.#running.get(key)!;
    running.bytes = bytes;
    running.size = size;
    running.user = user;
    const quarter = size > 0 ? Math.floor((4 * bytes) / size) : 0;
    if (quarter > running.told && quarter < 4) {
      running.told = quarter;
      this.#print(this.#c.dim(`↓ ${file} from ${user} ${quarter * 25}%`));
    }
  }

  finished(key: string): void {
    this.#running.delete(key);
  }

  /** `/transfers`: one line each, downloads first. */
  lines(): string[] {
    if (this.#running.size === 0) return ['no transfers under way'];
    const all = [...this.#running.values()].sort((a, b) => a.direction.localeCompare(b.direction));
    return all.map((t) => {
      const seconds = Math.round((this.#now() - t.startedAt) / 1000);
      if (t.direction === 'upload') {
        return `↑ ${t.file} to ${t.user}  ${mb(t.size)} MB  running ${seconds} s`;
      }
      const percent = t.size > 0 ? Math.floor((100 * t.bytes) / t.size) : 0;
      return `↓ ${t.file} from ${t.user}  ${percent}%  ${mb(t.bytes)} of ${mb(t.size)} MB  ${seconds} s`;
    });
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}
