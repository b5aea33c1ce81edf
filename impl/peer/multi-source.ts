/**
 * A chunked download (docs/PROTOCOL.md, "Several sources"): the tree first (kept from an
 * earlier run, or fetched and checked against the announced root), then every missing chunk as
 * a byte range from one of up to N owners of the same content at once, one chunk in flight per
 * owner (each owner's upload slots decide whether it serves). Each chunk is checked against its
 * leaf as it lands. A failed chunk goes back to the pool; an owner that failed three times in a
 * row, left, or sent a bad chunk is dropped (BAD_CHUNK is reported). Once no chunk is left to
 * hand out, an idle owner also fetches a chunk another owner is still on (the first copy wins,
 * the other is stopped): a slow or vanished owner's chunks move to the others.
 */
import { posix } from 'node:path';
import type { TransferStats } from '../arq/stats.ts';
import { WhohasError } from '../errors.ts';
import type { Clock, FileSystem } from '../platform/types.ts';
import { asWhohasError } from './download-progress.ts';
import type { DownloadSettings, Downloads } from './downloads.ts';
import { chunkCount, chunkRange } from './merkle.ts';
import { RequestPace } from './request-pace.ts';
import { assemble, type Content, chunkName, loadResume, verifyChunk } from './resume.ts';
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

export interface Source extends SourceReport {
  responder: Responder;
  inRow: number;
  dropped: boolean;
  /** How its latest verified chunk came (NAT traversal): `direct` or `relay`, and the pair. */
  path?: Pick<DownloadResult, 'route' | 'pair'>;
}

interface Copy {
  source: Source;
  stop?: (error: WhohasError) => void;
  stats?: () => TransferStats;
  superseded: boolean;
}

export async function fetchChunked(job: ChunkedJob): Promise<ChunkedResult> {
  const run = new ChunkedRun(job);
  return run.run();
}

class ChunkedRun {
  readonly #job: ChunkedJob;
  readonly #sources: Source[];
  readonly #failures: AttemptFailure[] = [];
  readonly #pieces: TransferStats[] = [];
  readonly #inflight = new Map<number, Copy[]>();
  readonly #wakers = new Set<() => void>();
  readonly #count: number;
  readonly #pace: RequestPace;
  #held = new Set<number>();
  #leaves: Buffer[] = [];
  #verifiedBytes = 0;

  constructor(job: ChunkedJob) {
    this.#job = job;
    this.#count = chunkCount(job.content.size, job.content.tree.chunkBytes);
    this.#pace = new RequestPace(job.clock);
    this.#sources = job.sources.map((responder) => ({
      user: responder.user,
      responder,
      bytes: 0,
      chunks: 0,
      failures: 0,
      inRow: 0,
      dropped: false,
    }));
  }

  async run(): Promise<ChunkedResult> {
    const { fs, clock, settings, content } = this.#job;
    const started = clock.now();
    const resume = await loadResume(fs, settings.outDir, content);
    this.#held = resume.held;
    const fail = (source: Source, error: WhohasError) => this.#fail(source, error);
    this.#leaves = resume.leaves ?? (await fetchTree(this.#job, this.#sources, fail));
    for (const index of this.#held) this.#verifiedBytes += this.#length(index);
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
    const path = await assemble(fs, settings.outDir, content);
    const seconds = (clock.now() - started) / 1000;
    const top = [...this.#sources].sort((a, b) => b.bytes - a.bytes)[0];
    return {
      path,
      stats: sumStats(this.#pieces, seconds),
      sources,
      resumedBytes: resume.resumedBytes,
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
      const index = this.#next(source);
      if (index === undefined) {
        if (this.#inflight.size === 0) break;
        await this.#changed();
        continue;
      }
      await this.#fetchChunk(source, index);
      if (source.inRow > 0 && !source.dropped) await this.#sleep(BUSY_BACKOFF_MS * source.inRow);
    }
    this.#wake();
  }

  /** A chunk nobody has yet; else (endgame) one a single other owner is still fetching. */
  #next(source: Source): number | undefined {
    for (let index = 0; index < this.#count; index++) {
      if (!this.#held.has(index) && !this.#inflight.has(index)) return index;
    }
    for (const [index, copies] of this.#inflight) {
      if (copies.length === 1 && copies[0].source !== source) return index;
    }
    return undefined;
  }

  async #fetchChunk(source: Source, index: number): Promise<void> {
    const { fs, content, settings } = this.#job;
    const copy: Copy = { source, superseded: false };
    const copies = this.#inflight.get(index) ?? [];
    copies.push(copy);
    this.#inflight.set(index, copies);
    const piece = {
      dir: settings.outDir,
      name: chunkName(content, index),
      request: {
        sha256: content.sha256,
        range: chunkRange(content.size, content.tree.chunkBytes, index),
      },
      onStart: (stop: Copy['stop'], stats: Copy['stats']) => {
        copy.stop = stop;
        copy.stats = stats;
      },
    };
    try {
      await this.#pace.take();
      const got = await this.#job.downloads.piece(source.responder, settings, piece);
      const expected = posix.join(settings.outDir, piece.name);
      if (got.path !== expected || this.#held.has(index)) {
        await fs.remove(got.path).catch(() => undefined); // another copy was first
        return;
      }
      if (!(await verifyChunk(fs, settings.outDir, content, this.#leaves, index))) {
        this.#fail(
          source,
          new WhohasError('BAD_CHUNK', `${source.user} sent chunk ${index} with the wrong bytes`),
        );
        return;
      }
      this.#held.add(index);
      // A chunk whose report lacks the pair (the punch had not settled) keeps an earlier one.
      if (got.route && (got.pair || !source.path?.pair))
        source.path = { route: got.route, pair: got.pair };
      this.#verifiedBytes += this.#length(index);
      this.#pieces.push(got.stats);
      source.bytes += got.stats.bytes;
      source.chunks++;
      source.inRow = 0;
      for (const other of copies) {
        if (other === copy) continue;
        other.superseded = true;
        other.stop?.(
          new WhohasError('TRANSFER_ABORTED', `chunk ${index} came from ${source.user} first`),
        );
      }
    } catch (error) {
      if (!copy.superseded && !this.#held.has(index)) this.#fail(source, asWhohasError(error));
    } finally {
      const left = (this.#inflight.get(index) ?? []).filter((other) => other !== copy);
      if (left.length > 0) this.#inflight.set(index, left);
      else this.#inflight.delete(index);
      this.#wake();
    }
  }

  #fail(source: Source, error: WhohasError): void {
    source.failures++;
    source.inRow++;
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
    const report = () => {
      let bytes = this.#verifiedBytes;
      const users = new Set<string>();
      for (const copies of this.#inflight.values()) {
        for (const copy of copies) {
          users.add(copy.source.user);
          if (!copy.superseded)
            bytes += Math.min(copy.stats?.().bytes ?? 0, content.tree.chunkBytes);
        }
      }
      onProgress(Math.min(bytes, content.size), content.size, [...users].join('+') || 'resume');
    };
    let timer = clock.setTimeout(function tick() {
      report();
      timer = clock.setTimeout(tick, PROGRESS_MS);
    }, PROGRESS_MS);
    return {
      stop: () => {
        clock.clearTimeout(timer);
        report();
      },
    };
  }
}
