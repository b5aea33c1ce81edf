/**
 * The Selective Repeat receiver's reorder buffer: packets that arrived past the cumulative point,
 * at most `span` of them (offsets cum+1 .. cum+span-1), in a ring indexed by offset. It also
 * writes the selective-ACK bitmap of what it holds. Memory: `span` slots.
 */
export class ReorderBuffer {
  readonly #slots: (Buffer | undefined)[];
  readonly #span: number;
  #count = 0;
  /** The highest offset held (meaningful while count > 0). */
  #highest = 0;

  constructor(span: number) {
    this.#span = span;
    this.#slots = new Array(span);
  }

  get count(): number {
    return this.#count;
  }

  has(offset: number): boolean {
    return this.#slots[offset % this.#span] !== undefined;
  }

  /** Keeps `payload` (the caller copies it if the datagram may be reused). */
  put(offset: number, payload: Buffer): void {
    this.#slots[offset % this.#span] = payload;
    this.#count++;
    if (this.#count === 1 || offset > this.#highest) this.#highest = offset;
  }

  /** Removes and returns the packet at `offset`, or undefined when it has not arrived. */
  take(offset: number): Buffer | undefined {
    const index = offset % this.#span;
    const payload = this.#slots[index];
    if (payload !== undefined) {
      this.#slots[index] = undefined;
      this.#count--;
    }
    return payload;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#count = 0;
  }

  /**
   * Bit i (most significant bit of byte 0 first) set when offset `cum + 1 + i` is held; only as
   * long as the highest offset held needs, so an ACK without holes carries no bitmap at all.
   */
  bitmap(cum: number): Buffer {
    if (this.#count === 0) return EMPTY;
    const bits = this.#highest - cum;
    const map = Buffer.alloc(Math.ceil(bits / 8));
    for (let i = 0; i < bits; i++) {
      if (this.#slots[(cum + 1 + i) % this.#span] !== undefined) map[i >> 3] |= 0x80 >> (i & 7);
    }
    return map;
  }
}

const EMPTY = Buffer.alloc(0);
