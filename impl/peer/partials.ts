/**
 * Stale partial files (docs/PROTOCOL.md, "Stale partial files"): a receiver killed mid-transfer
 * leaves its `.whohas-<name>-<unique>+<owner>.part` behind. When a peer or `whohas get` starts
 * on a download folder, the temporary files no live writer owns are removed: the platform knows
 * (FileSystem.staleTemps: the writer's process has exited, or the file is older than the age).
 * Partial files are not resumable yet: a new download starts from the first byte.
 */
import { posix } from 'node:path';
import type { FileSystem } from '../platform/types.ts';

/** Default age past which any temporary file counts as abandoned: 24 h. */
export const DEFAULT_STALE_PARTIAL_MS = 24 * 60 * 60 * 1000;

export class Partials {
  readonly #fs: FileSystem;
  readonly #maxAgeMs: number;
  readonly #swept = new Map<string, Promise<string[]>>();

  constructor(fs: FileSystem, maxAgeMs: number) {
    this.#fs = fs;
    this.#maxAgeMs = maxAgeMs;
  }

  /**
   * Removes the stale temporary files of `dir`, once per folder for this peer; resolves with the
   * names removed. A folder that does not exist yet has none; a file that vanished meanwhile
   * (another process swept it) is no error.
   */
  sweep(dir: string): Promise<string[]> {
    let swept = this.#swept.get(dir);
    if (!swept) {
      swept = this.#sweep(dir);
      this.#swept.set(dir, swept);
    }
    return swept;
  }

  async #sweep(dir: string): Promise<string[]> {
    let stale: string[];
    try {
      stale = await this.#fs.staleTemps(dir, this.#maxAgeMs);
    } catch {
      return []; // no folder yet (or not a folder: the download reports that itself)
    }
    const removed: string[] = [];
    for (const name of stale) {
      try {
        await this.#fs.remove(posix.join(dir, name));
        removed.push(name);
      } catch {
        // Gone already, or not ours to remove: either way nothing more to do here.
      }
    }
    return removed;
  }
}
