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
