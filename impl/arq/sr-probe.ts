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

  /** `datagram` is due at once (START). */
  constructor(datagram: Buffer, now: number) {
    this.datagram = datagram;
    this.#since = now;
  }

  /** The receiver spoke at `now` (which answers any probe due): the next is an RTO away. */
  heard(now: number): void {
    this.#since = now;
    this.#due = false;
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
