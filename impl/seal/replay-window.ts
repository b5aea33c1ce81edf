/**
 * The receive side's replay window (as IPsec's and DTLS's, RFC 6347 §4.1.2.6): the highest
 * counter opened so far and a bitmap of the WINDOW counters below it. A counter seen before,
 * or older than the window, is a replay. Pure.
 */
export const REPLAY_WINDOW = 1024;

export class ReplayWindow {
  #top = -1;
  readonly #seen = new Uint8Array(REPLAY_WINDOW);

  /** True when `counter` is new and within the window (check before opening, mark after). */
  fresh(counter: number): boolean {
    if (counter > this.#top) return true;
    if (this.#top - counter >= REPLAY_WINDOW) return false;
    return this.#seen[counter % REPLAY_WINDOW] === 0;
  }

  /** Records an authenticated `counter`. */
  mark(counter: number): void {
    if (counter > this.#top) {
      // Slots between the old top and the new one are fresh again.
      const cleared = Math.min(counter - this.#top, REPLAY_WINDOW);
      for (let i = 1; i <= cleared; i++) this.#seen[(this.#top + i) % REPLAY_WINDOW] = 0;
      this.#top = counter;
    }
    this.#seen[counter % REPLAY_WINDOW] = 1;
  }
}
