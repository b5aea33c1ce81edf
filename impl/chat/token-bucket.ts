/**
 * A per-client token bucket over lines. Pure: the caller passes the time. Refusals are counted
 * per "episode": a client is forgiven once it has gone two full refill periods (2 × burst / rate)
 * without a refusal, so one short burst is soon forgotten while a persistent flooder, even one
 * slowed down by the server, keeps adding to the count.
 */
export class TokenBucket {
  readonly ratePerMs: number;
  readonly burst: number;
  readonly #forgiveMs: number;
  #tokens: number;
  #updatedAt: number;
  #lastRefusalAt = Number.NEGATIVE_INFINITY;
  #refusedInEpisode = 0;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.ratePerMs = ratePerSecond / 1000;
    this.burst = burst;
    this.#forgiveMs = (2 * burst) / this.ratePerMs;
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Lines refused in the current episode. */
  get refusedInEpisode(): number {
    return this.#refusedInEpisode;
  }

  /** Takes one token: true if the line may go on, false if it is refused. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    if (now - this.#lastRefusalAt > this.#forgiveMs) this.#refusedInEpisode = 0;
    this.#lastRefusalAt = now;
    this.#refusedInEpisode += 1;
    return false;
  }

  /** Milliseconds until the bucket is full again. */
  msUntilFull(now: number): number {
    this.#refill(now);
    return (this.burst - this.#tokens) / this.ratePerMs;
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.ratePerMs);
      this.#updatedAt = now;
    }
  }
}
