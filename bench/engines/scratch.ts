/** The temp folder a loopback engine keeps for a whole sweep, with each size's file written once. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileNameFor } from './peer-run.ts';

export class ScratchFolder {
  #dir: string | undefined;
  readonly #files = new Map<number, string>();

  async path(): Promise<string> {
    this.#dir ??= await mkdtemp(join(tmpdir(), 'whohas-bench-'));
    return this.#dir;
  }

  /** `bytes` as `<folder>/file-<size>.bin`, written the first time this size is asked for. */
  async contentFile(folder: string, bytes: Buffer): Promise<string> {
    let path = this.#files.get(bytes.length);
    if (path === undefined) {
      path = join(folder, fileNameFor(bytes.length));
      await writeFile(path, bytes);
      this.#files.set(bytes.length, path);
    }
    return path;
  }

  async remove(): Promise<void> {
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#files.clear();
  }
}
