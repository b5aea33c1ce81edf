import { posix } from 'node:path';
import { systemError } from '../impl/errors.ts';
import { isTempFileName, tempFileName, tempOwner } from '../impl/platform/temp-name.ts';
import type { FileReader, FileSystem, FileUpdater, FileWriter } from '../impl/platform/types.ts';
import type { SimCore } from './core.ts';
import { contents, digestOnly, type FileNode, type MemoryTree } from './memfs.ts';

/**
 * The asynchronous FileSystem of a simulated host over its MemoryTree. Each operation runs in an
 * event at the current virtual time and settles its promise there (SimCore.settle), so file I/O
 * costs no virtual time but still completes asynchronously, as on a real platform.
 */
export function createSimFileSystem(
  core: SimCore,
  tree: MemoryTree,
  epoch: () => number = () => 0,
): FileSystem {
  let tempCounter = 0;
  return {
    list: (dir) => core.settle(() => tree.list(dir)),
    lstat: (path) => core.settle(() => tree.stat(path, false)),
    stat: (path) => core.settle(() => tree.stat(path, true)),
    realpath: (path) => core.settle(() => tree.realpath(path)),
    mkdir: (path) => core.settle(() => tree.mkdir(path)),
    readFile: (path) => core.settle(() => Buffer.from(tree.readFile(path))),
    writeFile: (path, data) =>
      core.settle(() => {
        tree.writeFile(path, data);
      }),
    remove: (path) => core.settle(() => tree.remove(path)),
    openRead: (path) => core.settle(() => openReader(core, tree, path)),
    createTemp: (dir, hint) =>
      core.settle(() => {
        // The owner is the host's epoch: a crash (the simulator's SIGKILL) bumps it.
        const name = tempFileName(hint, (++tempCounter).toString(16), `e${epoch()}`);
        const tempPath = posix.join(dir, name);
        const file = tree.createExclusive(tempPath);
        modifiedAt.set(file, core.now);
        return new SimFileWriter(core, tree, tempPath, file);
      }),
    openUpdate: (path) => core.settle(() => openUpdater(core, tree, path)),
    move: (from, to) =>
      core.settle(() => {
        const node = tree.lookup(from, 'rename', false);
        tree.link(node, to); // never replaces: EEXIST
        tree.removeIf(from, node);
      }),
    staleTemps: (dir, maxAgeMs) =>
      core.settle(() =>
        tree
          .list(dir)
          .filter((entry) => entry.kind === 'file' && isTempFileName(entry.name))
          .filter((entry) => {
            const owner = tempOwner(entry.name);
            if (owner !== undefined && owner !== `e${epoch()}`) return true;
            const node = tree.lookup(posix.join(dir, entry.name), 'lstat', false) as FileNode;
            // A file not written through createTemp (a fixture) counts as made at time 0.
            return core.now - (modifiedAt.get(node) ?? 0) > maxAgeMs;
          })
          .map((entry) => entry.name),
      ),
  };
}

/** Virtual time of the last write to a temporary file (memfs nodes carry no times). */
const modifiedAt = new WeakMap<FileNode, number>();
/**
 * A number per file node, for FileReader.identity: memfs never rewrites a shared file's node in
 * place (writeFile makes a new node; a temp file gets its name only once written), so the node
 * and its size name the contents. Numbered in order of first opening: deterministic.
 */
const nodeNumbers = new WeakMap<FileNode, number>();
let nextNodeNumber = 0;

/** Writes in place; the node gets a new identity number, as its contents changed. */
function openUpdater(core: SimCore, tree: MemoryTree, path: string): FileUpdater {
  const file = tree.regularFile(path, 'open');
  if (file.digest !== undefined || file.synthetic !== undefined) throw digestOnly('open', path);
  let open = true;
  return {
    write: (position, data) => {
      const copy = Buffer.from(data); // the caller may reuse its buffer once write() returns
      return core.settle(() => {
        if (!open) throw systemError('EBADF', 'write', `EBADF: write '${path}' after close`);
        let whole = contents(file, path);
        const end = position + copy.length;
        if (end > whole.length) {
          const grown = Buffer.alloc(end);
          whole.copy(grown);
          whole = grown;
        }
        copy.copy(whole, position);
        file.chunks = [whole];
        file.size = whole.length;
        nodeNumbers.delete(file);
        modifiedAt.set(file, core.now);
      });
    },
    close: () =>
      core.settle(() => {
        open = false;
      }),
  };
}

function openReader(core: SimCore, tree: MemoryTree, path: string): FileReader {
  const file = tree.regularFile(path, 'open');
  if (file.digest !== undefined) throw digestOnly('open', path);
  // An open file keeps its contents even if the name is replaced or removed later; a synthetic
  // one generates each range as it is read and holds nothing.
  const synthetic = file.synthetic;
  const data = synthetic === undefined ? contents(file, path) : undefined;
  const size = synthetic?.size ?? (data as Buffer).length;
  let open = true;
  let number = nodeNumbers.get(file);
  if (number === undefined) {
    number = ++nextNodeNumber;
    nodeNumbers.set(file, number);
  }
  return {
    size,
    identity: `node${number}:${size}`,
    read: (position, length) =>
      core.settle(() => {
        if (!open) throw systemError('EBADF', 'read', `EBADF: read '${path}' after close`);
        if (synthetic !== undefined) return synthetic.read(position, length);
        return Buffer.from((data as Buffer).subarray(position, position + length));
      }),
    close: () =>
      core.settle(() => {
        open = false;
      }),
  };
}

class SimFileWriter implements FileWriter {
  private state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(
    private readonly core: SimCore,
    private readonly tree: MemoryTree,
    readonly tempPath: string,
    private readonly file: FileNode,
  ) {}

  get bytesWritten(): number {
    return this.file.size;
  }

  write(data: Uint8Array): Promise<void> {
    // Copied now: the caller may reuse its buffer once write() returns.
    const copy = Buffer.from(data);
    return this.core.settle(() => {
      if (this.state !== 'open') {
        throw systemError('EBADF', 'write', `EBADF: ${this.tempPath} is ${this.state}`);
      }
      if (this.file.digest !== undefined) this.file.digest.update(copy);
      else this.file.chunks.push(copy);
      this.file.size += copy.length;
      modifiedAt.set(this.file, this.core.now);
    });
  }

  commit(finalPath: string): Promise<void> {
    return this.core.settle(() => {
      if (this.state !== 'open') {
        throw systemError('EBADF', 'link', `EBADF: ${this.tempPath} is ${this.state}`);
      }
      // Never overwrites: EEXIST leaves the temporary file in place for another try.
      this.tree.link(this.file, finalPath);
      this.tree.removeIf(this.tempPath, this.file);
      this.state = 'committed';
    });
  }

  abort(): Promise<void> {
    return this.core.settle(() => {
      if (this.state === 'open') this.state = 'aborted';
      if (this.state === 'aborted') this.tree.removeIf(this.tempPath, this.file);
    });
  }
}
