/**
 * The runs of a chunked download in flight (multi-source.ts): which copy of which run each
 * chunk is being fetched by. At most two copies of a run (the endgame's extra copy); once every
 * chunk of a copy's run is held, a slower copy of it is stopped: the first copy wins.
 */
import type { TransferStats } from '../arq/stats.ts';
import { WhohasError } from '../errors.ts';
import type { Clock } from '../platform/types.ts';
import type { Run } from './chunk-runs.ts';
import type { DownloadResult, Responder, SourceReport } from './types.ts';

export interface Source extends SourceReport {
  responder: Responder;
  inRow: number;
  dropped: boolean;
  /** Chunks in this owner's next run (chunk-runs.ts). */
  runLength: number;
  /** How its latest verified run came (NAT traversal): `direct` or `relay`, and the pair. */
  path?: Pick<DownloadResult, 'route' | 'pair'>;
}

export interface Copy {
  source: Source;
  run: Run;
  stop?: (error: WhohasError) => void;
  stats?: () => TransferStats;
  superseded: boolean;
}

export const runIndices = (run: Run): number[] =>
  Array.from({ length: run.count }, (_, i) => run.first + i);

export class RunCopies {
  readonly #byChunk = new Map<number, Copy[]>();

  get size(): number {
    return this.#byChunk.size;
  }

  busy(index: number): boolean {
    return this.#byChunk.has(index);
  }

  add(copy: Copy): void {
    for (const index of runIndices(copy.run)) this.#byChunk.set(index, [...this.of(index), copy]);
  }

  remove(copy: Copy): void {
    for (const index of runIndices(copy.run)) {
      const left = this.of(index).filter((other) => other !== copy);
      if (left.length > 0) this.#byChunk.set(index, left);
      else this.#byChunk.delete(index);
    }
  }

  of(index: number): Copy[] {
    return this.#byChunk.get(index) ?? [];
  }

  all(): Set<Copy> {
    return new Set([...this.#byChunk.values()].flat());
  }

  /** The run of the oldest chunk only one other owner is fetching (the endgame's extra copy). */
  endgame(source: Source): Run | undefined {
    for (const copies of this.#byChunk.values()) {
      if (copies.length === 1 && copies[0].source !== source) return copies[0].run;
    }
    return undefined;
  }

  /** Stops the other copies of `copy`'s chunks whose every chunk is now held. */
  supersede(copy: Copy, held: ReadonlySet<number>): void {
    const others = new Set(runIndices(copy.run).flatMap((index) => this.of(index)));
    for (const other of others) {
      if (other === copy || !runIndices(other.run).every((index) => held.has(index))) continue;
      other.superseded = true;
      const { first, count } = other.run;
      const why = `chunks ${first}+${count} came from ${copy.source.user} first`;
      other.stop?.(new WhohasError('TRANSFER_ABORTED', why));
    }
  }
}

/** Calls `report` every `ms` of the clock, and once more at stop. */
export function ticker(clock: Clock, ms: number, report: () => void): { stop(): void } {
  let timer = clock.setTimeout(function tick() {
    report();
    timer = clock.setTimeout(tick, ms);
  }, ms);
  return {
    stop: () => {
      clock.clearTimeout(timer);
      report();
    },
  };
}
