import type { Clock, TimerHandle } from '../platform/types.ts';

/**
 * The receiver's give-up timer: fires `onIdle` once nothing was heard for `idleMs`, unless
 * `waitAnyway` says the silence is ours (the file is still being flushed). One timer, re-armed
 * lazily: hearing from the sender costs a clock read, not a timer per datagram.
 */
export class IdleWatch {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #onIdle: () => void;
  readonly #waitAnyway: () => boolean;
  #lastHeard: number;
  #timer: TimerHandle | undefined;

  constructor(clock: Clock, idleMs: number, onIdle: () => void, waitAnyway: () => boolean) {
    this.#clock = clock;
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
    this.#waitAnyway = waitAnyway;
    this.#lastHeard = clock.now();
    this.#timer = clock.setTimeout(this.#onTimer, idleMs);
  }

  heard(): void {
    this.#lastHeard = this.#clock.now();
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    const quietFor = this.#clock.now() - this.#lastHeard;
    if (quietFor < this.#idleMs || this.#waitAnyway()) {
      this.#timer = this.#clock.setTimeout(this.#onTimer, Math.max(this.#idleMs - quietFor, 1));
      return;
    }
    this.#onIdle();
  };
}
