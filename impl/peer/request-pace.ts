/**
 * Paces a chunked download's getfile lines (docs/PROTOCOL.md, "Several sources"): they are the
 * user's own lines, which the server rate-limits (20 lines/s, bursts of 40) and drops past it,
 * and a dropped getfile would leave its chunk waiting for the receiver's idle timeout. A token
 * bucket on the platform clock keeps them to 15 a second (bursts of 15), leaving room for what
 * the user types.
 */
import type { Clock } from '../platform/types.ts';

export const REQUESTS_PER_SECOND = 15;
export const REQUEST_BURST = 15;

export class RequestPace {
  readonly #clock: Clock;
  #tokens = REQUEST_BURST;
  #at: number;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#at = clock.now();
  }

  /** Resolves when one more request may go (at once while the burst lasts). */
  async take(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#tokens = Math.min(
        REQUEST_BURST,
        this.#tokens + ((now - this.#at) * REQUESTS_PER_SECOND) / 1000,
      );
      this.#at = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const waitMs = ((1 - this.#tokens) * 1000) / REQUESTS_PER_SECOND;
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, Math.ceil(waitMs)));
    }
  }
}
