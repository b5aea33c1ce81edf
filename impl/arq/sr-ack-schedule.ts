/**
 * When the Selective Repeat receiver acknowledges: at once for anything urgent (START, FIN, a
 * duplicate, a packet out of order or filling a hole), after `every` in-order packets, or
 * `delayMs` after the first in-order packet not yet acknowledged. The ACK itself is built when the
 * driver polls, so a burst of datagrams costs one ACK carrying the latest state.
 */
export class AckSchedule {
  #every = 1;
  readonly #delayMs: number;
  #due = false;
  #unacked = 0;
  #dueAt: number | null = null;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** ACK after this many in-order packets. */
  set every(packets: number) {
    this.#every = packets;
  }

  urgent(): void {
    this.#due = true;
  }

  inOrder(now: number): void {
    if (++this.#unacked >= this.#every) this.#due = true;
    else this.#dueAt ??= now + this.#delayMs;
  }

  handleTimeout(now: number): void {
    if (this.#dueAt !== null && now >= this.#dueAt) this.#due = true;
  }

  /** The delayed ACK's deadline, null when none is waiting (or one is due already). */
  deadline(): number | null {
    return this.#due ? null : this.#dueAt;
  }

  /** True (and reset) when an ACK is due now. */
  take(): boolean {
    if (!this.#due) return false;
    this.#due = false;
    this.#unacked = 0;
    this.#dueAt = null;
    return true;
  }
}
