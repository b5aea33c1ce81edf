import type { Clock, TimerHandle } from '../platform/types.ts';

/**
 * The sender's one retransmission timer, for the oldest unacknowledged packet. Re-armed lazily:
 * moving the deadline later costs nothing per packet.
 */
export class RetransmitTimer {
  readonly #clock: Clock;
  readonly #onExpire: () => void;
  readonly #waiting: () => boolean;
  #timer: TimerHandle | undefined;
  #deadline = 0;
  /** When the armed timer fires (it may be earlier than #deadline, never later). */
  #timerAt = 0;

  /** `onExpire` runs at the deadline if `waiting` says packets are still unacknowledged. */
  constructor(clock: Clock, onExpire: () => void, waiting: () => boolean) {
    this.#clock = clock;
    this.#onExpire = onExpire;
    this.#waiting = waiting;
  }

  restart(rtoMs: number): void {
    this.#deadline = this.#clock.now() + rtoMs;
    // A deadline earlier than the armed timer (the RTO shrank) needs the timer moved, or a loss
    // would wait for the old, longer timeout.
    if (this.#timer !== undefined && this.#deadline < this.#timerAt) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#timer === undefined) {
      this.#timerAt = this.#deadline;
      this.#timer = this.#clock.setTimeout(this.#onTimer, rtoMs);
    }
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (!this.#waiting()) return;
    const now = this.#clock.now();
    if (now < this.#deadline) {
      this.#timerAt = this.#deadline;
      this.#timer = this.#clock.setTimeout(this.#onTimer, this.#deadline - now);
      return;
    }
    this.#onExpire();
  };
}
