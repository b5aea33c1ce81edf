/**
 * Read your cluster's writes: a marker a server publishes on the bus comes back to it after every
 * message Redis delivered to it before (one channel, one connection, in order). A login that
 * lists or joins rooms waits for its marker, so a room created on another server just before is
 * known. A marker lost with Redis releases its waiter after `timeoutMs`.
 */
import type { Clock } from '../platform/types.ts';

export class Marks {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, () => void>();
  #next = 0;

  constructor(clock: Clock, timeoutMs = 1000) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  /** A new marker's id, and a promise settled when it is heard (or after the timeout). */
  make(): { id: string; heard: Promise<void> } {
    this.#next += 1;
    const id = String(this.#next);
    const heard = new Promise<void>((resolve) => {
      const timer = this.#clock.setTimeout(() => this.heard(id), this.#timeoutMs);
      this.#waiting.set(id, () => {
        this.#clock.clearTimeout(timer);
        resolve();
      });
    });
    return { id, heard };
  }

  heard(id: string): void {
    const release = this.#waiting.get(id);
    this.#waiting.delete(id);
    release?.();
  }
}
