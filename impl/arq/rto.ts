import { seqLess } from './codec.ts';
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
    if (this.#options.mode === 'adaptive') {
      this.#rto = this.#clamp(this.#srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.#rttvar));
    }
  }

  /**
   * New cumulative progress: the RTO comes back from SRTT and RTTVAR without the backoff (Linux
   * does the same). After going back every packet in flight is a retransmission, so Karn's rule
   * gives no sample that could bring a backed-off RTO down: without this, one bad stretch would
   * keep the RTO at its ceiling for the rest of the transfer. Before any sample: the initial RTO.
   */
  resetBackoff(): void {
    if (this.#options.mode !== 'adaptive') return;
    this.#rto = Number.isNaN(this.#srtt)
      ? this.#options.initialMs
      : this.#clamp(this.#srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.#rttvar));
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
 * (Karn's rule): going back cancels the measurement. Sequence numbers compare modulo 2^32.
 */
export class RoundTripProbe {
  readonly #rto: RtoEstimator;
  #timing = false;
  #seq = 0;
  #sentAt = 0;

  constructor(rto: RtoEstimator) {
    this.#rto = rto;
  }

  /** A packet went out for the first time at `now`: it is timed unless one already is. */
  sent(seq: number, now: number): void {
    if (this.#timing) return;
    this.#timing = true;
    this.#seq = seq;
    this.#sentAt = now;
  }

  /** A cumulative ACK (`ack` = next expected): a sample once it covers the timed packet. */
  acked(ack: number, now: number): void {
    if (!this.#timing || !seqLess(this.#seq, ack)) return;
    this.#rto.sample(now - this.#sentAt);
    this.#timing = false;
  }

  cancel(): void {
    this.#timing = false;
  }
}
