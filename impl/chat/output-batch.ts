/**
 * Output gathered while one chunk of input is processed, written once per recipient at the
 * end: a client that pipelines ten broadcasts costs each member one write, not ten. Lines to big
 * rooms may be gathered until the end of the event-loop turn (runForTurn), so several senders'
 * broadcasts in one turn cost each member one write too.
 */
import type { Clock } from '../platform/types.ts';

export interface Flushable {
  flush(): void;
}

export class OutputBatch {
  readonly #clock: Clock;
  #depth = 0;
  #dirty: Flushable[] = [];
  #holding = false;
  #flushQueued = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** True while output should be gathered rather than written. */
  get open(): boolean {
    return this.#depth > 0;
  }

  /** Registers a connection holding gathered output (once, when its first bytes arrive). */
  add(connection: Flushable): void {
    this.#dirty.push(connection);
  }

  /** Runs `work` with the batch open, then writes everything gathered. */
  run(work: () => void): void {
    this.#depth += 1;
    try {
      work();
    } finally {
      this.#depth -= 1;
      if (this.#depth === 0) this.#end();
    }
  }

  /**
   * Runs `work` with the batch open; what it gathered is written at the end of the turn (after
   * the I/O ready now), or earlier, with the next run().
   */
  runForTurn(work: () => void): void {
    this.#depth += 1;
    try {
      work();
    } finally {
      this.#depth -= 1;
      if (this.#depth === 0) this.#holding = true;
      if (this.#depth === 0) this.#end();
    }
  }

  #end(): void {
    if (!this.#holding) {
      this.#flushAll();
      return;
    }
    this.#holding = false;
    if (this.#flushQueued || this.#dirty.length === 0) return;
    this.#flushQueued = true;
    this.#clock.defer(() => {
      this.#flushQueued = false;
      if (this.#depth === 0) this.#flushAll();
    });
  }

  #flushAll(): void {
    // A flush can cut a client off, and its LEFT notice can gather more output: loop.
    while (this.#dirty.length > 0) {
      const dirty = this.#dirty;
      this.#dirty = [];
      for (const connection of dirty) connection.flush();
    }
  }
}
