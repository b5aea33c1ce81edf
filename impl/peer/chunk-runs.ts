/**
 * Runs of chunks (docs/PROTOCOL.md, "Several sources"): a chunked download asks an owner for a
 * run of consecutive missing chunks in one `getfile ...|range=` line, so its requests stay well
 * under the request pace (15 lines/s) however fast the owner sends. An owner's run grows 1, 2,
 * 4, ... chunks with each run it delivers whole, back to 1 after a failure, up to the cap
 * (64 MiB unless told) and to its fair share of what nobody is fetching yet (that ÷ the owners
 * still in use), so a slow owner never sits on a large part of the file. Pure: choosing only.
 */

/** Largest run asked of one owner in one request, unless the download is told otherwise. */
export const MAX_RUN_BYTES = 64 * 1024 * 1024;

/** A run: chunks `first` .. `first + count - 1`. */
export interface Run {
  first: number;
  count: number;
}

/** Chunks one request may span: at least one, however large the chunks. */
export function runCap(chunkBytes: number, maxRunBytes: number): number {
  return Math.max(1, Math.floor(maxRunBytes / chunkBytes));
}

/** The owner's next run length after a run: doubled after a whole one, 1 after a failure. */
export function nextRunLength(current: number, delivered: boolean, cap: number): number {
  return delivered ? Math.min(cap, current * 2) : 1;
}

export interface RunChoice {
  /** Chunks in the file. */
  count: number;
  /** Chunks held (verified). */
  held: ReadonlySet<number>;
  /** Chunks some owner is fetching. */
  busy: (index: number) => boolean;
  /** This owner's run length, already within the cap. */
  length: number;
  /** Owners still in use (at least this one). */
  sources: number;
}

/**
 * The first chunk nobody holds or fetches, and the free chunks right after it: at most
 * `length`, and at most this owner's share of all free chunks. Undefined when none is free.
 */
export function chooseRun(choice: RunChoice): Run | undefined {
  const free = (index: number) => !choice.held.has(index) && !choice.busy(index);
  let first = -1;
  let freeCount = 0;
  for (let index = 0; index < choice.count; index++) {
    if (!free(index)) continue;
    if (first < 0) first = index;
    freeCount++;
  }
  if (first < 0) return undefined;
  const share = Math.ceil(freeCount / Math.max(1, choice.sources));
  const want = Math.max(1, Math.min(choice.length, share));
  let count = 1;
  while (count < want && first + count < choice.count && free(first + count)) count++;
  return { first, count };
}

/** The byte range of a run of chunks of a file of `size` bytes. */
export function runRange(
  size: number,
  chunkBytes: number,
  run: Run,
): { offset: number; length: number } {
  const offset = run.first * chunkBytes;
  const end = Math.min(size, (run.first + run.count) * chunkBytes);
  return { offset, length: Math.max(0, end - offset) };
}
