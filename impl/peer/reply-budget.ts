/**
 * The owner's protocol replies (`have`, `sending`, `refused`) on a budget (docs/PROTOCOL.md,
 * "Reply budget"). They are lines the server counts against the owner's own rate limit: answered
 * one for one, two people flooding `getfile` at 19.5 lines/s each got the owner kicked for
 * FLOODING. Now:
 *
 * - all replies together leave at most at the `rate` lines/s (bursts of `burst`), below
 *   the server's 20 lines/s, 40 burst, so the owner never goes over its rate: the rest stays
 *   for the user's own lines;
 * - each requester has its own smaller budget (`perRequesterRate`, `perRequesterBurst`): its
 *   replies past it wait in its queue, which holds `queued` lines (the oldest are dropped and
 *   counted), so a flooder gets a bounded trickle and costs a bounded queue;
 * - requesters within their own budget are served round robin: one asking at a normal rate waits
 *   behind at most one reply of each other requester, however much they flood.
 */
import { nameKey } from '../chat/wire.ts';
import type { Clock, TimerHandle } from '../platform/types.ts';

export const REPLY_BUDGET: Readonly<ReplyBudgetLimits> = Object.freeze({
  rate: 15,
  burst: 30,
  perRequesterRate: 10,
  perRequesterBurst: 20,
  queued: 4,
});

export interface ReplyBudgetLimits {
  rate: number;
  burst: number;
  perRequesterRate: number;
  perRequesterBurst: number;
  queued: number;
}

/** A token bucket that can tell how long until its next token. Pure: the caller passes the time. */
class Bucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly perMs: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#at = now;
  }
  msUntilToken(now: number): number {
    this.#refill(now);
    // The epsilon: a timer set for the exact refill time must find the token there.
    return this.#tokens >= 1 - 1e-9 ? 0 : (1 - this.#tokens) / this.perMs;
  }
  take(now: number): void {
    this.#refill(now);
    this.#tokens -= 1;
  }
  #refill(now: number): void {
    this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#at) * this.perMs);
    this.#at = now;
  }
}

interface Requester {
  to: string;
  bucket: Bucket;
  lines: string[];
}

export class ReplyBudget {
  readonly #clock: Clock;
  /** Sends a whole line (`@<to>|<text>`) as an automatic one. */
  readonly #send: (line: string) => boolean;
  readonly #limits: ReplyBudgetLimits;
  readonly #all: Bucket;
  /** Every requester heard from (its bucket remembers a flood); forgotten when it leaves. */
  readonly #requesters = new Map<string, Requester>();
  /** Requesters with replies waiting; Set order is the round-robin order. */
  readonly #waiting = new Set<Requester>();
  #timer: TimerHandle | undefined;
  #dropped = 0;

  constructor(
    clock: Clock,
    send: (line: string) => boolean,
    limits: ReplyBudgetLimits = REPLY_BUDGET,
  ) {
    this.#clock = clock;
    this.#send = send;
    this.#limits = limits;
    this.#all = new Bucket(limits.rate / 1000, limits.burst, clock.now());
  }

  /** Replies dropped because their requester already had its queue full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Sends `text` to `to` now if both budgets allow, else queues it; false if one was dropped. */
  reply(to: string, text: string): boolean {
    const key = nameKey(to);
    let requester = this.#requesters.get(key);
    if (!requester) {
      const { perRequesterRate, perRequesterBurst } = this.#limits;
      const bucket = new Bucket(perRequesterRate / 1000, perRequesterBurst, this.#clock.now());
      requester = { to, bucket, lines: [] };
      this.#requesters.set(key, requester);
    }
    requester.lines.push(text);
    this.#waiting.add(requester);
    let kept = true;
    if (requester.lines.length > this.#limits.queued) {
      requester.lines.shift();
      this.#dropped += 1;
      kept = false;
    }
    this.#pump();
    return kept;
  }

  /** The requester left: nothing more to tell it. */
  forget(user: string): void {
    const requester = this.#requesters.get(nameKey(user));
    if (requester) this.#waiting.delete(requester);
    this.#requesters.delete(nameKey(user));
  }

  close(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiting.clear();
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    this.#pump();
  };

  #pump(): void {
    while (this.#waiting.size > 0) {
      const now = this.#clock.now();
      let wait = this.#all.msUntilToken(now);
      let next: Requester | undefined;
      if (wait === 0) {
        wait = Number.POSITIVE_INFINITY;
        for (const requester of this.#waiting) {
          const ms = requester.bucket.msUntilToken(now);
          if (ms === 0) {
            next = requester;
            break;
          }
          wait = Math.min(wait, ms);
        }
      }
      if (!next) {
        if (this.#timer === undefined) this.#timer = this.#clock.setTimeout(this.#onTimer, wait);
        return;
      }
      this.#all.take(now);
      next.bucket.take(now);
      const text = next.lines.shift() as string;
      // To the back of the round: every other waiting requester's turn comes first.
      this.#waiting.delete(next);
      if (next.lines.length > 0) this.#waiting.add(next);
      this.#send(`@${next.to}|${text}`);
    }
  }
}
