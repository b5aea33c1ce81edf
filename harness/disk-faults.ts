/**
 * Disk faults over any Platform, for transfer tests: a slow disk (every temp-file write takes
 * some of the platform's clock) and a disk that refuses to commit a finished temp file. Only
 * `fs.createTemp` changes; everything else passes through, so on the simulator the faults are as
 * deterministic as the rest of the run.
 */
import type { FileSystem, FileWriter, Platform } from '../impl/platform/types.ts';

/** The platform with every temp-file write taking `ms` of its clock. */
export function slowDisk(platform: Platform, ms: number): Platform {
  const fs: FileSystem = Object.create(platform.fs);
  fs.createTemp = async (dir, hint) => {
    const writer = await platform.fs.createTemp(dir, hint);
    const slow: FileWriter = Object.create(writer);
    slow.write = (data) =>
      new Promise<void>((resolve, reject) =>
        platform.clock.setTimeout(() => writer.write(data).then(resolve, reject), ms),
      );
    return slow;
  };
  return { ...platform, fs };
}

/** A disk whose temp files write but never commit (EIO at the rename). */
export function failingCommit(platform: Platform): Platform {
  const fs: FileSystem = Object.create(platform.fs);
  fs.createTemp = async (dir, hint) => {
    const writer: FileWriter = Object.create(await platform.fs.createTemp(dir, hint));
    writer.commit = async () => {
      throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    };
    return writer;
  };
  return { ...platform, fs };
}

/** Alters the bytes of one read at `position` in place (a lying disk's lie). */
export type Lie = (position: number, bytes: Buffer) => void;

const INVERT_FIRST_BYTE: Lie = (_position, bytes) => {
  if (bytes.length > 0) bytes[0] ^= 0xff;
};

/**
 * A disk that lies after the first look: the first open of each file reads true (so the owner
 * hashes the real content and announces it), every later open reads bytes through `lie` (by
 * default the first byte of each read inverted). An owner on it sends chunks that do not match
 * the tree it announced: the lying owner of docs/PROTOCOL.md, "Several sources".
 */
export function lyingDisk(platform: Platform, lie: Lie = INVERT_FIRST_BYTE): Platform {
  const fs: FileSystem = Object.create(platform.fs);
  const opened = new Set<string>();
  fs.openRead = async (path) => {
    const reader = await platform.fs.openRead(path);
    if (!opened.has(path)) {
      opened.add(path);
      return reader;
    }
    return {
      size: reader.size,
      identity: reader.identity,
      read: async (position, length) => {
        const bytes = Buffer.from(await reader.read(position, length));
        lie(position, bytes);
        return bytes;
      },
      close: () => reader.close(),
    };
  };
  return { ...platform, fs };
}

/**
 * When a stalling disk's one stall began and ended (on the platform's clock); unset until then.
 * `armed: false` holds the stall off (reads the owner makes to hash its files) until set true.
 */
export interface DiskStall {
  armed?: boolean;
  startedAt?: number;
  endedAt?: number;
}

/** Runs `then` after the stall (the first call once `due`), or at once. */
function stallOnce<T>(
  platform: Platform,
  stall: DiskStall,
  ms: number,
  due: boolean,
  then: () => Promise<T>,
): Promise<T> {
  if (!due || stall.armed === false || stall.startedAt !== undefined) return then();
  stall.startedAt = platform.clock.now();
  return new Promise<T>((resolve, reject) =>
    platform.clock.setTimeout(() => {
      stall.endedAt = platform.clock.now();
      then().then(resolve, reject);
    }, ms),
  );
}

/**
 * A disk whose reads stall once: the first read at or past position `afterBytes` (once `stall`
 * is armed) waits `ms` of the platform's clock. An owner on it has nothing to send for about
 * `ms`, with its window open: the transfer goes quiet both ways.
 */
export function stallingReads(
  platform: Platform,
  { afterBytes, ms }: { afterBytes: number; ms: number },
  stall: DiskStall,
): Platform {
  const fs: FileSystem = Object.create(platform.fs);
  fs.openRead = async (path) => {
    const reader = await platform.fs.openRead(path);
    return {
      size: reader.size,
      identity: reader.identity,
      read: (position, length) =>
        stallOnce(platform, stall, ms, position >= afterBytes, () => reader.read(position, length)),
      close: () => reader.close(),
    };
  };
  return { ...platform, fs };
}
