/**
 * The sender's one datagram that goes out on a timer rather than the window: START until the
 * receiver validates (resent each RTO), then, while the receiver advertises a zero window with
 * nothing outstanding, the last acknowledged packet (the persist probe: a duplicate the receiver
 * answers with its current window).
 */
export class Probe {
  datagram: Buffer;
  #due = true;
  #since: number;
  /** Probes that carried a new packet past a zero window since it last opened. */
  #pastWindow = 0;

  /** `datagram` is due at once (START). */
  constructor(datagram: Buffer, now: number) {
    this.datagram = datagram;
    this.#since = now;
  }

  /** The receiver spoke at `now` (which answers any probe due): the next is an RTO away. */
  heard(now: number, window = 0): void {
    this.#since = now;
    this.#due = false;
    if (window > 0) this.#pastWindow = 0;
  }

  /**
   * Whether this probe may carry a new packet past the zero window: at most `limit` in a row, so
   * a receiver whose room never reopens is overrun by one window at most.
   */
  pastWindow(limit: number): boolean {
    return this.#pastWindow++ < limit;
  }

  deadline(rtoMs: number): number {
    return this.#since + rtoMs;
  }

  arm(): void {
    this.#due = true;
  }

  /** The probe if it is due (it then waits for the next `arm`). */
  take(now: number): Buffer | null {
    if (!this.#due) return null;
    this.#due = false;
    this.#since = now;
    return this.datagram;
  }
}
