/**
 * The application keepalive of one logged-in session (docs/PROTOCOL.md, "Keepalive"). After
 * `idleMs` without a line from the client the server sends `PING|<token>`; any line counts as an
 * answer (`PONG|<token>` from programs, `PONG` or anything from a person on netcat); none within
 * `timeoutMs` and the session is declared dead. One timer, moved lazily: a line costs a store.
 */
import type { Clock, TimerHandle } from '../platform/types.ts';

/**
 * A timer may fire a hair early in floating point (and a re-arm for less than a float step of
 * the clock would fire at the same instant forever): within this, a deadline is reached.
 */
const SLACK_MS = 1;

export class Keepalive {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  readonly #ping: (line: string) => void;
  readonly #dead: () => void;
  #heardAt: number;
  #pingedAt: number | undefined;
  #token = 0;
  #timer: TimerHandle | undefined;

  constructor(
    clock: Clock,
    idleMs: number,
    timeoutMs: number,
    ping: (line: string) => void,
    dead: () => void,
  ) {
    this.#clock = clock;
    this.#idleMs = idleMs;
    this.#timeoutMs = timeoutMs;
    this.#ping = ping;
    this.#dead = dead;
    this.#heardAt = clock.now();
    this.#arm(idleMs);
  }

  /** A line arrived from the client. */
  heard(now: number): void {
    this.#heardAt = now;
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), ms);
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    if (this.#pingedAt !== undefined && this.#heardAt >= this.#pingedAt) this.#pingedAt = undefined;
    if (this.#pingedAt !== undefined) {
      const left = this.#pingedAt + this.#timeoutMs - now;
      if (left < SLACK_MS) this.#dead();
      else this.#arm(left);
      return;
    }
    const idle = now - this.#heardAt;
    if (idle < this.#idleMs - SLACK_MS) {
      this.#arm(this.#idleMs - idle);
      return;
    }
    this.#token += 1;
    this.#pingedAt = now;
    this.#ping(`PING|${this.#token}`);
    this.#arm(this.#timeoutMs);
  }
}
