import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats, Dirent, Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { systemError } from '../errors.ts';
import { isTempFileName, tempFileName, tempOwner } from './temp-name.ts';
import type { FileKind, FileReader, FileSystem, FileUpdater, FileWriter } from './types.ts';

/** The real file store on node:fs/promises. */
export function createNodeFileSystem(): FileSystem {
  return {
    async list(dir) {
      const entries = await fs.readdir(dir, { withFileTypes: true });
      return entries
        .map((entry) => ({ name: entry.name, kind: kindOf(entry) }))
        .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    },
    lstat: async (file) => statOf(await fs.lstat(file)),
    stat: async (file) => statOf(await fs.stat(file)),
    realpath: (file) => fs.realpath(file),
    async mkdir(dir) {
      await fs.mkdir(dir, { recursive: true });
    },
    openRead,
    createTemp,
    openUpdate,
    async move(from, to) {
      await fs.link(from, to); // link(2) fails with EEXIST atomically: never overwrites
      await fs.unlink(from);
    },
    staleTemps,
    readFile: (file) => fs.readFile(file),
    writeFile: async (file, data, options) => {
      await fs.writeFile(file, data, options?.mode === undefined ? {} : { mode: options.mode });
      // writeFile's mode applies only to a new file: a key rewritten in place keeps it private too.
      if (options?.mode !== undefined) await fs.chmod(file, options.mode);
    },
    async remove(file) {
      try {
        await fs.unlink(file);
      } catch (error) {
        // unlink refuses folders (EISDIR on Linux, EPERM elsewhere); an empty one may go.
        const code = (error as NodeJS.ErrnoException).code;
        if ((code === 'EISDIR' || code === 'EPERM') && (await fs.lstat(file)).isDirectory()) {
          await fs.rmdir(file);
        } else {
          throw error;
        }
      }
    },
  };
}

function kindOf(entry: Dirent | Stats): FileKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

function statOf(stats: Stats) {
  return { kind: kindOf(stats), size: stats.size };
}

/** A file changed this recently has no identity yet (see identityOf). */
export const RACY_MS = 2_000;

/**
 * Device, inode, size, and nanosecond mtime and ctime: a rewrite in place keeps the inode but
 * moves both times (ctime cannot be set back by a user, so `touch -d` fakes nothing). The kernel
 * stamps times from a coarse clock (a few ms), so two rewrites of the same size within one tick
 * could look alike: like git's "racy" entries, a file changed in the last RACY_MS gets none.
 */
function identityOf(stats: BigIntStats): string | undefined {
  const { dev, ino, size, mtimeNs, ctimeNs } = stats;
  if (Date.now() - Number(ctimeNs / 1_000_000n) < RACY_MS) return undefined;
  return `${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`;
}

async function openRead(file: string): Promise<FileReader> {
  const handle = await fs.open(file, 'r');
  const stats = await handle.stat({ bigint: true }).catch(async (error) => {
    await handle.close();
    throw error;
  });
  // open(2) succeeds on folders on Linux; refuse them here rather than on the first read.
  if (!stats.isFile()) {
    await handle.close();
    throw systemError('EISDIR', 'open', `EISDIR: not a regular file, open '${file}'`);
  }
  return {
    size: Number(stats.size),
    identity: identityOf(stats),
    async read(position, length) {
      // Unzeroed: only the bytes read are handed out (a short read returns a shorter view).
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/**
 * The owner token of this process's temporary files: its pid and a hash of the machine's name
 * (a folder shared over a network file system may hold files of other machines' processes).
 */
const MACHINE = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const OWNER = `${process.pid}_${MACHINE}`;

function ownerIsGone(owner: string | undefined): boolean {
  const match = owner === undefined ? null : /^(\d+)_([0-9a-f]{8})$/.exec(owner);
  if (!match || match[2] !== MACHINE) return false; // unknown writer: the age decides
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, someone else's. Only ESRCH says no such process.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function staleTemps(dir: string, maxAgeMs: number): Promise<string[]> {
  const stale: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !isTempFileName(entry.name)) continue;
    if (ownerIsGone(tempOwner(entry.name))) {
      stale.push(entry.name);
      continue;
    }
    const stats = await fs.lstat(path.join(dir, entry.name)).catch(() => undefined);
    if (stats && Date.now() - stats.mtimeMs > maxAgeMs) stale.push(entry.name);
  }
  return stale.sort();
}

async function openUpdate(file: string): Promise<FileUpdater> {
  const handle = await fs.open(file, 'r+');
  let open = true;
  return {
    async write(position, data) {
      if (!open) throw systemError('EBADF', 'write', `EBADF: ${file} is closed`);
      let offset = 0;
      while (offset < data.length) {
        const length = data.length - offset;
        const { bytesWritten } = await handle.write(data, offset, length, position + offset);
        offset += bytesWritten;
      }
    },
    async close() {
      if (!open) return;
      open = false;
      await handle.close();
    },
  };
}

async function createTemp(dir: string, hint: string): Promise<FileWriter> {
  const tempPath = path.join(dir, tempFileName(hint, randomBytes(8).toString('hex'), OWNER));
  // 'wx': a clash with an existing name fails instead of truncating someone's file.
  const handle = await fs.open(tempPath, 'wx');
  let open = true;
  let bytesWritten = 0;
  // Writes are chained so that a caller who does not wait still gets them in order.
  let tail: Promise<void> = Promise.resolve();

  const closeHandle = async () => {
    await tail.catch(() => {});
    if (open) {
      open = false;
      await handle.close();
    }
  };

  return {
    tempPath,
    get bytesWritten() {
      return bytesWritten;
    },
    write(data) {
      if (!open) {
        return Promise.reject(systemError('EBADF', 'write', `EBADF: ${tempPath} is closed`));
      }
      const next = tail.then(async () => {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten: n } = await handle.write(data, offset, data.length - offset);
          offset += n;
          bytesWritten += n;
        }
      });
      tail = next;
      return next;
    },
    async commit(finalPath) {
      await closeHandle();
      // link(2) fails with EEXIST atomically: the final name is never overwritten.
      await fs.link(tempPath, finalPath);
      await fs.unlink(tempPath);
    },
    async abort() {
      await closeHandle().catch(() => {});
      await fs.unlink(tempPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
