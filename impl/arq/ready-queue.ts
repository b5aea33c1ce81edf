import { createHash } from 'node:crypto';

/**
 * A receiver core's in-order output, for either scheme: payloads accepted and not yet taken by
 * the driver (views into datagrams, or the reorder buffer's copies), and the SHA-256 of every
 * byte pushed so far. The core is where the file's digest is checked (at FIN, before FIN is
 * acknowledged): it is pure, so its vectors prove the HASH_MISMATCH path; the driver does not
 * hash again (see core.ts).
 */
export class ReadyQueue {
  readonly #hash = createHash('sha256');
  #items: Buffer[] = [];
  #head = 0;
  #bytes = 0;

  /** Bytes waiting to be taken. */
  get bytes(): number {
    return this.#bytes;
  }

  push(payload: Buffer): void {
    if (payload.length === 0) return;
    this.#hash.update(payload);
    this.#items.push(payload);
    this.#bytes += payload.length;
  }

  take(): Buffer | null {
    if (this.#head === this.#items.length) return null;
    const payload = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined as unknown as Buffer;
    this.#bytes -= payload.length;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    return payload;
  }

  /** Drops what waits (the transfer ended); the digest is not needed any more. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** Whether everything pushed hashes to `sha256` (once: the hash is finished). */
  matches(sha256: Uint8Array): boolean {
    return this.#hash.digest().equals(sha256);
  }
}
