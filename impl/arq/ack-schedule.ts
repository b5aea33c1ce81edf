import type { AckOptions } from './options.ts';

/** Duplicate ACKs that signal a loss (RFC 5681), and SACKed packets above a hole (RFC 6675). */
export const DUP_ACK_THRESHOLD = 3;

/**
 * When the receiver acknowledges. It never sends an ACK by itself: it says whether one is due,
 * and the core emits one per drain of its output, reflecting its latest state, so a burst of
 * in-order datagrams taken in before the drain costs one ACK. Due at once after `every` in-order
 * packets, for START, FIN and window updates, and for data out of order or already received:
 * those owe a duplicate ACK each (RFC 5681 §4.2), so packets behind a hole that arrive in one
 * burst still give the sender its 3 duplicates; otherwise `delayMs` after the first packet not
 * acknowledged.
 */
export class AckSchedule {
  readonly #options: AckOptions;
  /** ACK after this many in-order packets: at most half the sender's window. */
  #every: number;
  #unacked = 0;
  /** Immediate ACKs for stray data since the next expected packet last arrived. */
  #strayAcks = 0;
  #due = false;
  /** Stray packets owed an immediate ACK at the next drain: each its own (a duplicate). */
  #straysOwed = 0;
  #dueAt: number | null = null;

  constructor(options: AckOptions, window: number) {
    this.#options = options;
    this.#every = ackEvery(options.packets, window);
  }

  /**
   * The sender's own window wins over ours: waiting for more packets than it may send in a row
   * would stall every window on the delayed-ACK timer.
   */
  useSenderWindow(window: number): void {
    if (window > 0) this.#every = ackEvery(this.#options.packets, window);
  }

  /** The next expected packet arrived. */
  inOrder(now: number): void {
    this.#strayAcks = 0;
    this.#straysOwed = 0; // the point moved: one ACK says it, repeats would look like losses
    if (++this.#unacked >= this.#every) this.#due = true;
    else this.#dueAt ??= now + this.#options.delayMs;
  }

  /**
   * Data out of order or already had: a duplicate ACK at once, one more than the sender's
   * threshold (the first may still move its base); past that the delayed ACK, so a window of
   * stragglers does not cost a window of ACKs.
   */
  stray(now: number): void {
    if (this.#strayAcks > DUP_ACK_THRESHOLD) {
      this.#dueAt ??= now + this.#options.delayMs;
      return;
    }
    this.#strayAcks++;
    // In-order packets not yet acknowledged: their ACK moves the sender's base, so it is no
    // duplicate; the stray still owes one (else a hole right after them draws one fewer).
    if (this.#unacked > 0) {
      this.#unacked = 0;
      this.#straysOwed++;
    }
    this.#straysOwed++;
    this.#due = true;
  }

  /** Acknowledge at the next drain (START, FIN, a window update, a duplicate FIN). */
  now(): void {
    this.#due = true;
  }

  /** The delayed-ACK deadline, when one is pending and nothing is due already. */
  get deadline(): number | null {
    return this.#due ? null : this.#dueAt;
  }

  onTimeout(now: number): void {
    if (this.#dueAt !== null && now >= this.#dueAt) this.#due = true;
  }

  /** True once per due ACK: the caller sends it now (and asks again: duplicates may be owed). */
  take(): boolean {
    if (!this.#due) return false;
    if (this.#straysOwed > 1) {
      this.#straysOwed--;
      return true;
    }
    this.#straysOwed = 0;
    this.#due = false;
    this.#dueAt = null;
    this.#unacked = 0;
    return true;
  }
}

function ackEvery(packets: number, window: number): number {
  return Math.min(packets, Math.max(1, window >> 1));
}
