/**
 * Output gathered while one chunk of input is processed, written once per recipient at the
 * end: a client that pipelines ten broadcasts costs each member one write, not ten.
 */
export interface Flushable {
  flush(): void;
}

export class OutputBatch {
  #depth = 0;
  #dirty: Flushable[] = [];

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
      if (this.#depth === 0) this.#flushAll();
    }
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
