/** In-order payloads accepted and not yet taken by the driver (views into datagrams). */
export class ReadyQueue {
  #items: Buffer[] = [];
  #head = 0;
  #bytes = 0;

  /** Bytes waiting to be taken. */
  get bytes(): number {
    return this.#bytes;
  }

  push(payload: Buffer): void {
    if (payload.length === 0) return;
    this.#items.push(payload);
    this.#bytes += payload.length;
  }

  take(): Buffer | null {
    if (this.#head === this.#items.length) return null;
    const payload = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined as unknown as Buffer;
    this.#bytes -= payload.length;
    if (this.#head === this.#items.length) this.clear();
    return payload;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
