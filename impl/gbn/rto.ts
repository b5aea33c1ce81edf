import type { Clock } from '../platform/types.ts';
import type { RtoOptions } from './options.ts';

/** RFC 6298's G: timers on Node fire with millisecond resolution. */
const CLOCK_GRANULARITY_MS = 1;

/**
 * Retransmission timeout per RFC 6298 (adaptive) or constant (fixed). The caller applies
 * Karn's rule: it only feeds samples from packets that were never retransmitted.
 */
export class RtoEstimator {
  readonly #options: RtoOptions;
  #srtt = Number.NaN;
  #rttvar = 0;
  #rto: number;

  constructor(options: RtoOptions) {
    this.#options = options;
    this.#rto = options.mode === 'fixed' ? options.ms : options.initialMs;
  }

  get rtoMs(): number {
    return this.#rto;
  }

  /** NaN until the first sample. */
  get srttMs(): number {
    return this.#srtt;
  }

  sample(rttMs: number): void {
    if (Number.isNaN(this.#srtt)) {
      this.#srtt = rttMs;
      this.#rttvar = rttMs / 2;
    } else {
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - rttMs);
      this.#srtt = 0.875 * this.#srtt + 0.125 * rttMs;
    }
    const options = this.#options;
    if (options.mode === 'adaptive') {
      this.#rto = this.#clamp(this.#srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.#rttvar));
    }
  }

  /** After a timeout: double (adaptive only), up to maxMs. */
  backOff(): void {
    if (this.#options.mode === 'adaptive') this.#rto = this.#clamp(this.#rto * 2);
  }

  #clamp(ms: number): number {
    const options = this.#options as Extract<RtoOptions, { mode: 'adaptive' }>;
    return Math.min(options.maxMs, Math.max(options.minMs, ms));
  }
}

/**
 * Times one packet at a time for the estimator (RFC 6298), never one that was sent again
 * (Karn's rule): going back cancels the measurement.
 */
export class RoundTripProbe {
  readonly #clock: Clock;
  readonly #rto: RtoEstimator;
  #seq = -1;
  #sentAt = 0;

  constructor(clock: Clock, rto: RtoEstimator) {
    this.#clock = clock;
    this.#rto = rto;
  }

  /** A packet went out for the first time: it is timed unless one already is. */
  sent(seq: number): void {
    if (this.#seq >= 0) return;
    this.#seq = seq;
    this.#sentAt = this.#clock.now();
  }

  /** A cumulative ACK: the timed packet's round trip is a sample once the ACK covers it. */
  acked(ack: number): void {
    if (this.#seq < 0 || ack <= this.#seq) return;
    this.#rto.sample(this.#clock.now() - this.#sentAt);
    this.#seq = -1;
  }

  cancel(): void {
    this.#seq = -1;
  }
}
