/** A random source file for loopback benchmarks, and the median of their rounds. */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Writes `bytes` random bytes in 1 MB pieces (never the whole file in memory). */
export async function makeFile(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'wx');
  const hash = createHash('sha256');
  try {
    for (let done = 0; done < bytes; ) {
      const piece = randomBytes(Math.min(1 << 20, bytes - done));
      hash.update(piece);
      await handle.write(piece);
      done += piece.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest();
}

export function medianOf(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
