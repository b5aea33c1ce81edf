/**
 * The receiver's in-order output: bytes handed to the driver (takeData), the SHA-256 of all of
 * them so far, and the room the driver last reported minus what was delivered since.
 */
import { createHash } from 'node:crypto';

const RELEASED = Buffer.alloc(0);

export class InOrderOutput {
  readonly #hash = createHash('sha256');
  readonly #ready: Buffer[] = [];
  #head = 0;
  #bytes = 0;
  #room = Number.POSITIVE_INFINITY;

  /** File bytes delivered so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes the driver can still take (Infinity until it first says). */
  get room(): number {
    return this.#room;
  }

  set room(bytes: number) {
    this.#room = bytes;
  }

  push(payload: Buffer): void {
    this.#hash.update(payload);
    this.#ready.push(payload);
    this.#bytes += payload.length;
    this.#room -= payload.length;
  }

  take(): Buffer | null {
    if (this.#head === this.#ready.length) return null;
    const data = this.#ready[this.#head];
    this.#ready[this.#head++] = RELEASED;
    if (this.#head === this.#ready.length) this.clear();
    return data;
  }

  clear(): void {
    this.#ready.length = 0;
    this.#head = 0;
  }

  /** Whether everything delivered hashes to `sha256` (once: the hash is finished). */
  matches(sha256: Buffer): boolean {
    return this.#hash.digest().equals(sha256);
  }
}
