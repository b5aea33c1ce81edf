/** Times the receiver's final ACK is sent again unasked, after the one answering FIN. */
export const FINAL_ACK_REPEATS = 2;
/** Spacing of those repeats: the receiver has no RTT estimate, so a fixed, modest interval. */
export const FINAL_ACK_SPACING_MS = 200;

/**
 * The receiver's repeats of its final ACK (the one acknowledging FIN). The sender learns that the
 * file arrived only from that ACK; if it is lost, the sender retries FIN with a backed-off RTO
 * (up to its ceiling) while the receiver lingers a bounded time. Repeating the ACK a few times,
 * spaced, makes its loss as unlikely as the loss of every copy (0.3^3 under 30 % loss) at the
 * cost of a few 30-byte datagrams. Pure: the core asks for the deadline and reports the time.
 */
export class FinalAckRepeats {
  #left = 0;
  #at: number | null = null;

  /**
   * The FIN was acknowledged at `now` (first or again): schedule the repeats, unless some are
   * still pending (a burst of repeated FINs draws one ACK each, and repeats only once).
   */
  begin(now: number): void {
    if (this.#at !== null) return;
    this.#left = FINAL_ACK_REPEATS;
    this.#at = this.#left > 0 ? now + FINAL_ACK_SPACING_MS : null;
  }

  get deadline(): number | null {
    return this.#at;
  }

  /** True when a repeat is due at `now` (the caller sends the ACK); schedules the next one. */
  due(now: number): boolean {
    if (this.#at === null || now < this.#at) return false;
    this.#left--;
    this.#at = this.#left > 0 ? now + FINAL_ACK_SPACING_MS : null;
    return true;
  }
}

/** The earliest of optional deadlines (null when none is set). */
export function earliest(...deadlines: (number | null)[]): number | null {
  let first: number | null = null;
  for (const at of deadlines) if (at !== null && (first === null || at < first)) first = at;
  return first;
}
