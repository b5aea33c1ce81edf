import type { RtoOptions } from './options.ts';
import { RoundTripProbe, RtoEstimator } from './rto.ts';

/**
 * The sender's one retransmission timer (for the oldest unacknowledged packet) with its RFC 6298
 * estimator, the round-trip probe (Karn's rule) and the count of timeouts without progress.
 * Pure: a deadline in the caller's clock, no timer object.
 */
export class RetransmitState {
  readonly rto: RtoEstimator;
  readonly probe: RoundTripProbe;
  readonly #maxRetries: number;
  #deadline: number | null = null;
  #timeoutsInARow = 0;

  constructor(options: RtoOptions, maxRetries: number) {
    this.rto = new RtoEstimator(options);
    this.probe = new RoundTripProbe(this.rto);
    this.#maxRetries = maxRetries;
  }

  /** When the timer fires, or null when it is not armed. */
  get deadline(): number | null {
    return this.#deadline;
  }

  get timeoutsInARow(): number {
    return this.#timeoutsInARow;
  }

  /** (Re)arms the timer one RTO from now. */
  restart(now: number): void {
    this.#deadline = now + this.rto.rtoMs;
  }

  /** Arms the timer unless it already is. */
  ensure(now: number): void {
    this.#deadline ??= now + this.rto.rtoMs;
  }

  stop(): void {
    this.#deadline = null;
  }

  expired(now: number): boolean {
    return this.#deadline !== null && now >= this.#deadline;
  }

  /**
   * The cumulative point moved: the count of timeouts without progress starts again, and so does
   * the RTO (no backoff: see `RtoEstimator.resetBackoff`).
   */
  progressed(): void {
    this.#timeoutsInARow = 0;
    this.rto.resetBackoff();
  }

  /**
   * The timer fired: true if the sender may try again (the RTO is backed off and the measurement
   * cancelled), false once `maxRetries` timeouts in a row have passed without progress.
   */
  onTimeout(): boolean {
    this.#deadline = null;
    if (++this.#timeoutsInARow > this.#maxRetries) return false;
    this.rto.backOff();
    this.probe.cancel();
    return true;
  }
}
