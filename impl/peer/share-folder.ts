import { posix } from 'node:path';
import { WhohasError } from '../errors.ts';
import type { FileReader, FileSystem } from '../platform/types.ts';
import { fileNameProblem, printable, TEMP_PREFIX } from './names.ts';

export interface SharedFile {
  name: string;
  /** The real path, every symlink resolved, inside the share folder. */
  path: string;
  size: number;
}

export interface ShareStatus {
  global: boolean;
  /** Names whose sharing was cleared with clrshare, sorted. */
  cleared: string[];
  /** Every file of the folder a request could name, sorted by name. */
  files: Array<{ name: string; size: number; shared: boolean }>;
}

/**
 * The share folder and its share flags. A file is offered when global sharing is on and its own
 * flag was not cleared; anything else is "not found" to the rest of the room. Every name is
 * confined: it must be a plain entry (see names.ts) whose real path stays inside the folder.
 */
export class ShareFolder {
  readonly #fs: FileSystem;
  readonly path: string;
  #realRoot: string | undefined;
  #global: boolean;
  readonly #cleared = new Set<string>();

  constructor(fs: FileSystem, path: string, options: { share?: boolean } = {}) {
    this.#fs = fs;
    this.path = path;
    this.#global = options.share ?? true;
  }

  /** Creates the folder if needed and pins its real location. */
  async open(): Promise<void> {
    await this.#fs.mkdir(this.path);
    this.#realRoot = await this.#fs.realpath(this.path);
  }

  get global(): boolean {
    return this.#global;
  }

  setGlobal(on: boolean): void {
    this.#global = on;
  }

  /** Validates the name (misuse throws BAD_FILENAME); the file need not exist yet. */
  setShared(name: string, on: boolean): void {
    const problem = fileNameProblem(name);
    if (problem) throw new WhohasError('BAD_FILENAME', problem);
    if (on) this.#cleared.delete(name);
    else this.#cleared.add(name);
  }

  isShared(name: string): boolean {
    return this.#global && !this.#cleared.has(name);
  }

  /**
   * The file a request names, checked for confinement. Rejects with BAD_FILENAME for names that
   * try to leave the folder (directly or through a link) and NOT_FOUND for anything else missing.
   */
  async resolve(name: string): Promise<SharedFile> {
    const problem = fileNameProblem(name);
    if (problem) throw new WhohasError('BAD_FILENAME', problem);
    const root = this.#root();
    const notFound = () => new WhohasError('NOT_FOUND', `no file named "${printable(name)}"`);
    let real: string;
    try {
      real = await this.#fs.realpath(posix.join(root, name));
    } catch {
      throw notFound();
    }
    if (!real.startsWith(root.endsWith('/') ? root : `${root}/`)) {
      throw new WhohasError(
        'BAD_FILENAME',
        `"${printable(name)}" leads outside the share folder through a link`,
      );
    }
    if (posix.basename(real).startsWith(TEMP_PREFIX)) throw notFound();
    try {
      const stat = await this.#fs.stat(real);
      if (stat.kind !== 'file') throw notFound();
      return { name, path: real, size: stat.size };
    } catch (error) {
      throw error instanceof WhohasError ? error : notFound();
    }
  }

  /**
   * The file if it is offered to others: NOT_SHARED when global sharing is off, NOT_FOUND when
   * it is missing or its own flag is cleared (a cleared file is indistinguishable from none).
   */
  async lookupShared(name: string): Promise<SharedFile> {
    if (!this.#global) throw new WhohasError('NOT_SHARED', 'this peer is not sharing any files');
    const file = await this.resolve(name);
    if (this.#cleared.has(name)) {
      throw new WhohasError('NOT_FOUND', `no file named "${printable(name)}"`);
    }
    return file;
  }

  /** Opens a shared file for an upload; the size is the one measured at open. */
  async openShared(name: string): Promise<{ file: SharedFile; reader: FileReader }> {
    const file = await this.lookupShared(name);
    const reader = await this.#fs.openRead(file.path);
    return { file: { ...file, size: reader.size }, reader };
  }

  async status(): Promise<ShareStatus> {
    const files: ShareStatus['files'] = [];
    for (const entry of await this.#fs.list(this.#root())) {
      if (entry.kind !== 'file' && entry.kind !== 'symlink') continue;
      try {
        const file = await this.resolve(entry.name);
        files.push({ name: file.name, size: file.size, shared: this.isShared(file.name) });
      } catch {
        // Names a request could never reach (temp files, links out, odd names) are not listed.
      }
    }
    return { global: this.#global, cleared: [...this.#cleared].sort(), files };
  }

  #root(): string {
    if (this.#realRoot === undefined) {
      throw new WhohasError('BAD_ARGUMENT', 'ShareFolder.open() must finish before use');
    }
    return this.#realRoot;
  }
}
