/**
 * A per-client token bucket over lines. Pure: the caller passes the time. An "episode" is a
 * stretch during which lines were refused; it ends only once the bucket is full again, so a
 * client that keeps flooding accumulates refusals while one short burst is soon forgiven.
 */
export class TokenBucket {
  readonly ratePerMs: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number;
  #refusedInEpisode = 0;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.ratePerMs = ratePerSecond / 1000;
    this.burst = burst;
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Lines refused since the bucket was last full. */
  get refusedInEpisode(): number {
    return this.#refusedInEpisode;
  }

  /** Takes one token: true if the line may go on, false if it is refused. */
  take(now: number): boolean {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.ratePerMs);
      this.#updatedAt = now;
    }
    if (this.#tokens >= this.burst) this.#refusedInEpisode = 0;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#refusedInEpisode += 1;
    return false;
  }
}
