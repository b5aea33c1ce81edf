import { constants } from 'node:buffer';
import { posix } from 'node:path';
import { systemError } from '../impl/errors.ts';
import { MAX_NAME_BYTES } from '../impl/platform/file-names.ts';
import type { DirEntry, FileKind, FileStat } from '../impl/platform/types.ts';
import { DigestSink, type SyntheticSource } from './synthetic.ts';

/**
 * A host's in-memory file tree with POSIX semantics: absolute paths, folders, regular files and
 * symbolic links (resolved like the kernel does, with ELOOP after 40 hops). All methods are
 * synchronous; sim/fs.ts wraps them in the asynchronous FileSystem. Errors are Node-style
 * (ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, ELOOP).
 */

export interface FileNode {
  kind: 'file';
  chunks: Buffer[];
  size: number;
  /** Bytes generated on read, none held (sim/synthetic.ts). */
  synthetic?: SyntheticSource;
  /** A streamed copy kept as its size and SHA-256 only: its bytes cannot be read back. */
  digest?: DigestSink;
}

/**
 * What a file written through a FileWriter keeps: its bytes ('memory'), or only its size and a
 * running SHA-256 ('digest-only', for transfers far larger than memory).
 */
export type StreamedWrites = 'memory' | 'digest-only';
export interface DirNode {
  kind: 'directory';
  entries: Map<string, Node>;
}
export interface LinkNode {
  kind: 'symlink';
  target: string;
}
export type Node = FileNode | DirNode | LinkNode;

const MAX_LINK_HOPS = 40;

export class MemoryTree {
  private readonly root: DirNode = { kind: 'directory', entries: new Map() };
  streamedWrites: StreamedWrites = 'memory';

  /** The node at `path`; follows a final symlink only when `follow` is true. */
  lookup(path: string, syscall: string, follow = true): Node {
    const found = this.walk(path, syscall, follow);
    if (found.node === undefined) throw fail('ENOENT', syscall, path);
    return found.node;
  }

  stat(path: string, follow: boolean): FileStat {
    const node = this.lookup(path, follow ? 'stat' : 'lstat', follow);
    return { kind: node.kind as FileKind, size: sizeOf(node) };
  }

  realpath(path: string): string {
    return this.walk(path, 'realpath', true, true).path;
  }

  list(dir: string): DirEntry[] {
    const node = this.lookup(dir, 'scandir');
    if (node.kind !== 'directory') throw fail('ENOTDIR', 'scandir', dir);
    const names = [...node.entries.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return names.map((name) => ({ name, kind: (node.entries.get(name) as Node).kind }));
  }

  mkdir(path: string): void {
    const parts = components(path);
    let dir = this.root;
    let at = '';
    for (const part of parts) {
      at = `${at}/${part}`;
      let next = dir.entries.get(part);
      if (next?.kind === 'symlink') next = this.lookup(at, 'mkdir');
      if (next === undefined) {
        next = { kind: 'directory', entries: new Map() };
        dir.entries.set(part, next);
      }
      if (next.kind !== 'directory') throw fail('EEXIST', 'mkdir', at);
      dir = next;
    }
  }

  readFile(path: string): Buffer {
    return contents(this.regularFile(path, 'open'), path);
  }

  /** Creates or replaces a regular file; the parent folder must exist. */
  writeFile(path: string, data: Uint8Array): FileNode {
    const copy = Buffer.from(data);
    return this.place(path, { kind: 'file', chunks: [copy], size: copy.length });
  }

  /** Creates or replaces a file whose bytes a generator makes on read. */
  writeSynthetic(path: string, source: SyntheticSource): FileNode {
    return this.place(path, { kind: 'file', chunks: [], size: source.size, synthetic: source });
  }

  private place(path: string, file: FileNode): FileNode {
    const { dir, name } = this.parentOf(path, 'open');
    const existing = dir.entries.get(name);
    if (existing?.kind === 'directory') throw fail('EISDIR', 'open', path);
    if (existing?.kind === 'symlink') {
      const target = this.walk(path, 'open', true);
      if (target.node?.kind === 'directory') throw fail('EISDIR', 'open', path);
      this.parentOf(target.path, 'open').dir.entries.set(posix.basename(target.path), file);
    } else {
      dir.entries.set(name, file);
    }
    return file;
  }

  /** Creates a new empty file; EEXIST if the name is taken. */
  createExclusive(path: string): FileNode {
    const { dir, name } = this.parentOf(path, 'open');
    if (dir.entries.has(name)) throw fail('EEXIST', 'open', path);
    const file: FileNode = { kind: 'file', chunks: [], size: 0 };
    if (this.streamedWrites === 'digest-only') file.digest = new DigestSink();
    dir.entries.set(name, file);
    return file;
  }

  symlink(target: string, path: string): void {
    const { dir, name } = this.parentOf(path, 'symlink');
    if (dir.entries.has(name)) throw fail('EEXIST', 'symlink', path);
    dir.entries.set(name, { kind: 'symlink', target });
  }

  /** Gives `node` (held in `fromPath`) the name `toPath`; never replaces: EEXIST. */
  link(node: Node, toPath: string): void {
    const { dir, name } = this.parentOf(toPath, 'link');
    if (dir.entries.has(name)) throw fail('EEXIST', 'link', toPath);
    dir.entries.set(name, node);
  }

  /** Removes a file, a link, or an empty folder; never follows a final symlink. */
  remove(path: string): void {
    const { dir, name } = this.parentOf(path, 'unlink');
    const node = dir.entries.get(name);
    if (node === undefined) throw fail('ENOENT', 'unlink', path);
    if (node.kind === 'directory' && node.entries.size > 0) throw fail('ENOTEMPTY', 'rmdir', path);
    dir.entries.delete(name);
  }

  /** Removes `path` only if it still names `node`. */
  removeIf(path: string, node: Node): boolean {
    let found: Node | undefined;
    try {
      found = this.walk(path, 'unlink', false).node;
    } catch {
      return false;
    }
    if (found !== node) return false;
    this.remove(path);
    return true;
  }

  regularFile(path: string, syscall: string): FileNode {
    const node = this.lookup(path, syscall);
    if (node.kind === 'directory') throw fail('EISDIR', syscall, path);
    return node as FileNode;
  }

  private parentOf(path: string, syscall: string): { dir: DirNode; name: string } {
    const absolute = posix.resolve('/', path);
    const name = posix.basename(absolute);
    if (name === '') throw fail('EEXIST', syscall, path);
    // As on Linux: a new name's last component is at most 255 bytes.
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw fail('ENAMETOOLONG', syscall, path);
    const dir = this.lookup(posix.dirname(absolute), syscall);
    if (dir.kind !== 'directory') throw fail('ENOTDIR', syscall, path);
    return { dir, name };
  }

  /**
   * Resolves `path` component by component, following symlinks in the middle always and at the
   * end when `follow`. Returns the canonical path and the node (undefined if only the last part
   * is missing). With `strict`, a missing last part is ENOENT too.
   */
  private walk(
    path: string,
    syscall: string,
    follow: boolean,
    strict = false,
  ): { path: string; node: Node | undefined } {
    let pending = rawComponents(path);
    let resolved: string[] = [];
    let node: Node = this.root;
    let hops = 0;
    while (pending.length > 0) {
      const part = pending[0];
      pending = pending.slice(1);
      if (node.kind !== 'directory') throw fail('ENOTDIR', syscall, path);
      if (part === '..') {
        resolved.pop();
        node = this.nodeAt(resolved);
        continue;
      }
      const child = node.entries.get(part);
      if (child === undefined) {
        if (pending.length > 0 || strict) throw fail('ENOENT', syscall, path);
        return { path: `/${[...resolved, part].join('/')}`, node: undefined };
      }
      if (child.kind === 'symlink' && (pending.length > 0 || follow)) {
        if (++hops > MAX_LINK_HOPS) throw fail('ELOOP', syscall, path);
        pending = [...rawComponents(child.target), ...pending];
        if (child.target.startsWith('/')) resolved = [];
        node = this.nodeAt(resolved);
        continue;
      }
      resolved.push(part);
      node = child;
    }
    return { path: `/${resolved.join('/')}`, node };
  }

  private nodeAt(parts: string[]): Node {
    let node: Node = this.root;
    for (const part of parts) node = (node as DirNode).entries.get(part) as Node;
    return node;
  }
}

/** The parts of a path, '..' kept so the walk resolves it after symlinks, as the kernel does. */
function rawComponents(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** The parts of an absolute, textually normalized path ('..' above the root stays at the root). */
function components(path: string): string[] {
  return posix
    .resolve('/', path)
    .split('/')
    .filter((part) => part !== '');
}

/** A file's bytes: held, or generated (synthetic); a digest-only copy has none (EIO). */
export function contents(file: FileNode, path: string): Buffer {
  if (file.digest !== undefined) throw digestOnly('read', path);
  if (file.synthetic !== undefined) {
    // As Node's readFile past its largest Buffer: open and read in ranges instead.
    if (file.size > constants.MAX_LENGTH) {
      throw Object.assign(
        systemError('EFBIG', 'read', `EFBIG: read '${path}': too large for one buffer`),
        { path },
      );
    }
    return file.synthetic.read(0, file.size);
  }
  if (file.chunks.length !== 1) {
    const whole = Buffer.concat(file.chunks, file.size);
    file.chunks = [whole];
  }
  return file.chunks[0] ?? Buffer.alloc(0);
}

function sizeOf(node: Node): number {
  if (node.kind === 'file') return node.size;
  if (node.kind === 'symlink') return Buffer.byteLength(node.target);
  return 4096;
}

export function digestOnly(syscall: string, path: string): Error {
  const error = systemError(
    'EIO',
    syscall,
    `EIO: ${syscall} '${path}': a digest-only copy keeps its size and SHA-256, not its bytes`,
  );
  return Object.assign(error, { path });
}

function fail(code: string, syscall: string, path: string): Error {
  const error = systemError(code, syscall, `${code}: ${syscall} '${path}'`);
  return Object.assign(error, { path });
}
