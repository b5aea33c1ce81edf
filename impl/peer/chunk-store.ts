/**
 * Where a chunked download keeps its bytes (docs/PROTOCOL.md, "Resume"): one data file,
 * `.whohas-<id>-data.part`, the size of the file, each chunk at its own offset, written once as
 * it arrives (the first copy of a run is received straight into its range); and
 * `.whohas-<id>-held.part`, a bitmap of the chunks verified against their leaves, rewritten
 * after each run. The final file is the data file, renamed once its SHA-256 is checked: every
 * byte is written once. Nothing here is trusted: a later download re-reads every chunk the
 * bitmap claims and keeps only those whose leaf matches; bytes not in the bitmap (a run cut
 * short) count for nothing and are written over.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { commitWithoutOverwrite } from '../arq/files.ts';
import { systemError, WhohasError } from '../errors.ts';
import { TEMP_PREFIX, TEMP_SUFFIX } from '../platform/temp-name.ts';
import type { FileSystem, FileWriter } from '../platform/types.ts';
import type { Run } from './chunk-runs.ts';
import { runRange } from './chunk-runs.ts';
import { landingName } from './landing-name.ts';
import { chunkCount, chunkRange, leafHash } from './merkle.ts';
import { type Content, discardResume, resumeId } from './resume.ts';

export const dataName = (content: Content): string =>
  `${TEMP_PREFIX}${resumeId(content)}-data${TEMP_SUFFIX}`;
export const heldName = (content: Content): string =>
  `${TEMP_PREFIX}${resumeId(content)}-held${TEMP_SUFFIX}`;

export interface Checked {
  /** Chunks newly held. */
  kept: number[];
  /** Chunks whose bytes did not match their leaf (the owner lied or its disk did). */
  bad: number[];
  /** Chunks held before whose bytes no longer match (written over): to fetch again. */
  lost: number[];
}

export class ChunkStore {
  readonly held = new Set<number>();
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #content: Content;
  readonly #leaves: readonly Buffer[];
  readonly #count: number;

  private constructor(fs: FileSystem, dir: string, content: Content, leaves: readonly Buffer[]) {
    this.#fs = fs;
    this.#dir = dir;
    this.#content = content;
    this.#leaves = leaves;
    this.#count = chunkCount(content.size, content.tree.chunkBytes);
  }

  get dataPath(): string {
    return posix.join(this.#dir, dataName(this.#content));
  }

  /** Opens (or starts) the data file; the chunks the bitmap claims are verified, the rest not held. */
  static async open(
    fs: FileSystem,
    dir: string,
    content: Content,
    leaves: readonly Buffer[],
  ): Promise<ChunkStore> {
    const store = new ChunkStore(fs, dir, content, leaves);
    const claimed = await fs.readFile(store.#heldPath).catch(() => Buffer.alloc(0));
    const exists = await fs.stat(store.dataPath).then(
      (stat) => stat.kind === 'file',
      () => false,
    );
    if (!exists) await store.#create();
    else {
      const candidates = [];
      for (let index = 0; index < store.#count; index++) {
        if (((claimed[index >> 3] ?? 0) >> (index & 7)) & 1) candidates.push(index);
      }
      for (const index of candidates) if (await store.#verify(index)) store.held.add(index);
    }
    await store.record();
    return store;
  }

  /** Bytes of the held chunks. */
  heldBytes(): number {
    let bytes = 0;
    for (const index of this.held) bytes += this.length(index);
    return bytes;
  }

  length(index: number): number {
    return chunkRange(this.#content.size, this.#content.tree.chunkBytes, index).length;
  }

  /**
   * A file system for the receiver of `run`: its one temporary file is the run's range of the
   * data file, written in place; a byte past the range is refused (EFBIG), so an owner cannot
   * write over another run's chunks. Commit and abort only close it: `check` decides.
   */
  receiverFs(run: Run): FileSystem {
    const { offset, length } = runRange(this.#content.size, this.#content.tree.chunkBytes, run);
    const fs: FileSystem = Object.create(this.#fs);
    const dataPath = this.dataPath;
    // A receiver removes only what it committed (a transfer failed after all): nothing here.
    fs.remove = async () => undefined;
    fs.createTemp = async () => {
      const updater = await this.#fs.openUpdate(dataPath);
      let written = 0;
      let open = true;
      let tail: Promise<void> = Promise.resolve();
      const close = async () => {
        if (!open) return;
        open = false;
        await tail.catch(() => undefined);
        await updater.close();
      };
      const writer: FileWriter = {
        tempPath: dataPath,
        get bytesWritten() {
          return written;
        },
        write(data) {
          if (!open) return Promise.reject(systemError('EBADF', 'write', 'the run is closed'));
          if (written + data.length > length) {
            return Promise.reject(systemError('EFBIG', 'write', 'more than the run asked'));
          }
          const at = offset + written;
          written += data.length;
          tail = tail.then(() => updater.write(at, data));
          return tail;
        },
        commit: close,
        abort: close,
      };
      return writer;
    };
    return fs;
  }

  /** Verifies the chunks of `run` on the data file (after its receiver closed), then records. */
  async check(run: Run): Promise<Checked> {
    const checked: Checked = { kept: [], bad: [], lost: [] };
    for (let index = run.first; index < run.first + run.count; index++) {
      const good = await this.#verify(index);
      if (good && !this.held.has(index)) {
        this.held.add(index);
        checked.kept.push(index);
      } else if (!good) {
        checked.bad.push(index);
        if (this.held.delete(index)) checked.lost.push(index);
      }
    }
    await this.record();
    return checked;
  }

  /** After a failed first copy of `run`: its held chunks that no longer match, dropped. */
  async recheck(run: Run): Promise<number[]> {
    const lost: number[] = [];
    for (let index = run.first; index < run.first + run.count; index++) {
      if (this.held.has(index) && !(await this.#verify(index))) {
        this.held.delete(index);
        lost.push(index);
      }
    }
    if (lost.length > 0) await this.record();
    return lost;
  }

  /** Writes a chunk already verified (from a run file) at its offset; false if held already. */
  async put(index: number, bytes: Buffer): Promise<boolean> {
    if (this.held.has(index)) return false;
    const updater = await this.#fs.openUpdate(this.dataPath);
    try {
      await updater.write(index * this.#content.tree.chunkBytes, bytes);
    } finally {
      await updater.close();
    }
    this.held.add(index);
    return true;
  }

  /** Rewrites the bitmap of held chunks. */
  async record(): Promise<void> {
    const bitmap = Buffer.alloc(Math.ceil(this.#count / 8));
    for (const index of this.held) bitmap[index >> 3] |= 1 << (index & 7);
    await this.#fs.writeFile(this.#heldPath, bitmap);
  }

  /**
   * Checks the whole SHA-256 of the data file and renames it to a free name in the folder (never
   * overwriting); the bitmap goes. A mismatch (verified chunks make it impossible, short of a
   * disk fault) discards the tree, data file and bitmap and fails HASH_MISMATCH.
   */
  async finish(): Promise<string> {
    const whole = createHash('sha256');
    const reader = await this.#fs.openRead(this.dataPath);
    try {
      const step = this.#content.tree.chunkBytes;
      for (let offset = 0; offset < this.#content.size; offset += step) {
        whole.update(await reader.read(offset, Math.min(step, this.#content.size - offset)));
      }
    } finally {
      await reader.close().catch(() => undefined);
    }
    const { size } = await this.#fs.stat(this.dataPath);
    if (size !== this.#content.size || whole.digest('hex') !== this.#content.sha256) {
      await discardResume(this.#fs, this.#dir, this.#content);
      const why = `${this.#content.file}: the chunks do not make the announced file`;
      throw new WhohasError('HASH_MISMATCH', why);
    }
    const name = await landingName(this.#fs, this.#dir, this.#content.file);
    const mover = { commit: (to: string) => this.#fs.move(this.dataPath, to) } as FileWriter;
    const path = await commitWithoutOverwrite(mover, this.#dir, name);
    await discardResume(this.#fs, this.#dir, this.#content); // the tree and bitmap
    return path;
  }

  get #heldPath(): string {
    return posix.join(this.#dir, heldName(this.#content));
  }

  /** A new data file of the file's size (its last byte written: the rest reads as zeros). */
  async #create(): Promise<void> {
    const writer = await this.#fs.createTemp(this.#dir, dataName(this.#content));
    try {
      await writer.commit(this.dataPath);
    } catch (error) {
      await writer.abort().catch(() => undefined);
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    if (this.#content.size === 0) return;
    const updater = await this.#fs.openUpdate(this.dataPath);
    try {
      await updater.write(this.#content.size - 1, Buffer.alloc(1));
    } finally {
      await updater.close();
    }
  }

  async #verify(index: number): Promise<boolean> {
    const { offset, length } = chunkRange(this.#content.size, this.#content.tree.chunkBytes, index);
    const reader = await this.#fs.openRead(this.dataPath);
    try {
      const bytes = length === 0 ? Buffer.alloc(0) : await reader.read(offset, length);
      return bytes.length === length && leafHash(bytes).equals(this.#leaves[index]);
    } finally {
      await reader.close().catch(() => undefined);
    }
  }
}
