/**
 * A chunked download (docs/PROTOCOL.md, "Several sources"): the tree first (kept from an
 * earlier run, or fetched and checked against the announced root), then every missing chunk
 * from one of up to N owners of the same content at once, one request in flight per owner,
 * each request a run of consecutive chunks as one byte range (chunk-runs.ts: 1, 2, 4, ... chunks
 * per owner, within the cap and the owner's fair share). Each chunk of a run is checked against
 * its leaf as the run lands (run-landing.ts). A failed run goes back to the pool; an owner that
 * failed three times in a row, left, or sent a bad chunk is dropped (BAD_CHUNK is reported; the
 * chunks of its run that matched are kept). Once no chunk is left to hand out, an idle owner
 * also fetches a run another owner is still on (the first copy wins, the other is stopped): a
 * slow or vanished owner's chunks move to the others.
 */
import type { TransferStats } from '../arq/stats.ts';
import { WhohasError } from '../errors.ts';
import type { Clock, FileSystem } from '../platform/types.ts';
import {
  chooseRun,
  MAX_RUN_BYTES,
  nextRunLength,
  type Run,
  runCap,
  runRange,
} from './chunk-runs.ts';
import { ChunkStore } from './chunk-store.ts';
import { asWhohasError } from './download-progress.ts';
import type { DownloadSettings, Downloads } from './downloads.ts';
import { chunkCount, chunkRange } from './merkle.ts';
import { RequestPace } from './request-pace.ts';
import { type Content, loadTree } from './resume.ts';
import { type Copy, RunCopies, runIndices, type Source, ticker } from './run-copies.ts';
import { landRun, runName, salvageRuns } from './run-landing.ts';
import { sumStats } from './stats-sum.ts';
import { fetchTree } from './tree-fetch.ts';
import type { AttemptFailure, DownloadResult, Responder, SourceReport } from './types.ts';

/** Failures in a row after which an owner is no longer asked. */
export const MAX_SOURCE_FAILURES = 3;
/** Wait before asking a busy owner (SLOTS_FULL) again, times its failures in a row. */
export const BUSY_BACKOFF_MS = 500;
const PROGRESS_MS = 200;
/** Failures that no retry will fix: the owner is dropped at once. */
const FINAL = new Set(['PEER_GONE', 'CONTENT_MISMATCH', 'NOT_FOUND', 'NOT_SHARED', 'BAD_CHUNK']);

export interface ChunkedJob {
  downloads: Downloads;
  fs: FileSystem;
  clock: Clock;
  settings: DownloadSettings;
  content: Content;
  sources: readonly Responder[];
  isMember: (user: string) => boolean;
  onProgress?: (bytes: number, size: number, from: string) => void;
  /** Largest run of chunks in one request (default MAX_RUN_BYTES; a chunk's size: no runs). */
  maxRunBytes?: number;
}

export interface ChunkedResult {
  path: string;
  stats: TransferStats;
  sources: SourceReport[];
  resumedBytes: number;
  failures: AttemptFailure[];
  /** With NAT traversal: the route and pair of the owner that delivered the most bytes. */
  route?: DownloadResult['route'];
  pair?: DownloadResult['pair'];
}

export type { Source } from './run-copies.ts';

export async function fetchChunked(job: ChunkedJob): Promise<ChunkedResult> {
  const run = new ChunkedRun(job);
  return run.run();
}

class ChunkedRun {
  readonly #job: ChunkedJob;
  readonly #sources: Source[];
  readonly #failures: AttemptFailure[] = [];
  readonly #pieces: TransferStats[] = [];
  readonly #inflight = new RunCopies();
  readonly #wakers = new Set<() => void>();
  readonly #count: number;
  readonly #cap: number;
  readonly #pace: RequestPace;
  #held = new Set<number>();
  #leaves: Buffer[] = [];
  #store: ChunkStore | undefined;
  #verifiedBytes = 0;

  constructor(job: ChunkedJob) {
    this.#job = job;
    this.#count = chunkCount(job.content.size, job.content.tree.chunkBytes);
    this.#cap = runCap(job.content.tree.chunkBytes, job.maxRunBytes ?? MAX_RUN_BYTES);
    this.#pace = new RequestPace(job.clock);
    this.#sources = job.sources.map((responder) => ({
      user: responder.user,
      responder,
      bytes: 0,
      chunks: 0,
      failures: 0,
      inRow: 0,
      dropped: false,
      runLength: 1,
    }));
  }

  async run(): Promise<ChunkedResult> {
    const { fs, clock, settings, content } = this.#job;
    const started = clock.now();
    const dir = settings.outDir;
    const kept = await loadTree(fs, dir, content);
    const fail = (source: Source, error: WhohasError) => this.#fail(source, error);
    this.#leaves = kept ?? (await fetchTree(this.#job, this.#sources, fail));
    const store = await ChunkStore.open(fs, dir, content, this.#leaves);
    this.#store = store;
    this.#held = store.held;
    const resumed = store.heldBytes();
    const salvaged = await salvageRuns(fs, dir, content, this.#leaves, store);
    this.#verifiedBytes = store.heldBytes();
    const progress = this.#progress();
    try {
      await Promise.all(this.#sources.map((source) => this.#work(source)));
    } finally {
      progress.stop();
    }
    const sources = this.#sources.map(({ user, bytes, chunks, failures }) => ({
      user,
      bytes,
      chunks,
      failures,
    }));
    if (this.#held.size < this.#count) {
      const reasons = this.#failures.map((f) => `${f.user}: ${f.error.code} (${f.error.message})`);
      const missing = this.#count - this.#held.size;
      throw new WhohasError(
        'ALL_RESPONDERS_FAILED',
        `${missing} of ${this.#count} chunks of ${content.file} could not be fetched (kept for resume): ${reasons.join('; ')}`,
        { cause: this.#failures },
      );
    }
    const path = await store.finish();
    const seconds = (clock.now() - started) / 1000;
    const top = [...this.#sources].sort((a, b) => b.bytes - a.bytes)[0];
    return {
      path,
      stats: sumStats(this.#pieces, seconds),
      sources,
      resumedBytes: resumed + salvaged,
      failures: this.#failures,
      ...top?.path,
    };
  }

  async #work(source: Source): Promise<void> {
    while (!source.dropped && this.#held.size < this.#count) {
      if (!this.#job.isMember(source.user)) {
        this.#fail(source, new WhohasError('PEER_GONE', `${source.user} is not in the room`));
        break;
      }
      const run = this.#next(source);
      if (run === undefined) {
        if (this.#inflight.size === 0) break;
        await this.#changed();
        continue;
      }
      await this.#fetchRun(source, run);
      if (source.inRow > 0 && !source.dropped) await this.#sleep(BUSY_BACKOFF_MS * source.inRow);
    }
    this.#wake();
  }

  /** A run nobody has yet; else (endgame) the run a single other owner is still fetching. */
  #next(source: Source): Run | undefined {
    const run = chooseRun({
      count: this.#count,
      held: this.#held,
      busy: (index) => this.#inflight.busy(index),
      length: Math.min(source.runLength, this.#cap),
      sources: this.#sources.filter((other) => !other.dropped).length,
    });
    return run ?? this.#inflight.endgame(source);
  }

  async #fetchRun(source: Source, run: Run): Promise<void> {
    const { content, settings, fs } = this.#job;
    const store = this.#store!;
    // The first copy of a run is received in place; a second copy (the endgame's) in a run file.
    const inPlace = !runIndices(run).some((index) => this.#inflight.busy(index));
    const copy: Copy = { source, run, superseded: false };
    this.#inflight.add(copy);
    const piece = {
      dir: settings.outDir,
      name: runName(content, run.first),
      ...(inPlace ? { fs: store.receiverFs(run) } : {}),
      request: {
        sha256: content.sha256,
        range: runRange(content.size, content.tree.chunkBytes, run),
      },
      onStart: (stop: Copy['stop'], stats: Copy['stats']) => {
        copy.stop = stop;
        copy.stats = stats;
      },
    };
    try {
      await this.#pace.take();
      const got = await this.#job.downloads.piece(source.responder, settings, piece);
      const landed = inPlace
        ? await store.check(run)
        : await landRun(fs, store, content, this.#leaves, run, got.path);
      this.#forget(landed.lost ?? []);
      for (const index of landed.kept) {
        this.#held.add(index);
        this.#verifiedBytes += this.#length(index);
        source.bytes += this.#length(index);
        source.chunks++;
      }
      if (landed.kept.length > 0) this.#pieces.push(got.stats);
      // A run whose report lacks the pair (the punch had not settled) keeps an earlier one.
      if (landed.kept.length > 0 && got.route && (got.pair || !source.path?.pair)) {
        source.path = { route: got.route, pair: got.pair };
      }
      if (landed.bad.length > 0) {
        const which = landed.bad.join(', ');
        this.#fail(
          source,
          new WhohasError('BAD_CHUNK', `${source.user} sent chunk ${which} with the wrong bytes`),
        );
        return;
      }
      source.inRow = 0;
      source.runLength = nextRunLength(source.runLength, true, this.#cap);
      this.#inflight.supersede(copy, this.#held);
    } catch (error) {
      // Its last bytes may have gone over chunks another copy delivered meanwhile.
      if (inPlace) this.#forget(await store.recheck(run));
      const done = runIndices(run).every((index) => this.#held.has(index));
      if (!copy.superseded && !done) this.#fail(source, asWhohasError(error));
    } finally {
      this.#inflight.remove(copy);
      this.#wake();
    }
  }

  /** Chunks held before whose bytes were written over: no longer held, fetched again. */
  #forget(lost: readonly number[]): void {
    for (const index of lost) this.#verifiedBytes -= this.#length(index);
  }

  #fail(source: Source, error: WhohasError): void {
    source.failures++;
    source.inRow++;
    source.runLength = 1;
    this.#failures.push({ user: source.user, error });
    if (
      FINAL.has(error.code) ||
      error.code === 'SERVER_GONE' ||
      source.inRow >= MAX_SOURCE_FAILURES
    ) {
      source.dropped = true;
    }
    if (error.code === 'SERVER_GONE' || error.code === 'OUTBOX_FULL') {
      for (const other of this.#sources) other.dropped = true; // nobody can be asked any more
    }
  }

  #length(index: number): number {
    return chunkRange(this.#job.content.size, this.#job.content.tree.chunkBytes, index).length;
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#wakers.add(resolve));
  }

  #wake(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#job.clock.setTimeout(resolve, ms));
  }

  /** Verified bytes plus what the copies in flight received, with the owners in use. */
  #progress(): { stop(): void } {
    const { onProgress, clock, content } = this.#job;
    if (onProgress === undefined) return { stop: () => undefined };
    return ticker(clock, PROGRESS_MS, () => {
      let bytes = this.#verifiedBytes;
      const users = new Set<string>();
      for (const copy of this.#inflight.all()) {
        users.add(copy.source.user);
        const { length } = runRange(content.size, content.tree.chunkBytes, copy.run);
        if (!copy.superseded) bytes += Math.min(copy.stats?.().bytes ?? 0, length);
      }
      onProgress(Math.min(bytes, content.size), content.size, [...users].join('+') || 'resume');
    });
  }
}
