/**
 * Limits on password guessing (docs/PROTOCOL.md, "Password guessing"). Wrong passwords are
 * counted per client address and per room; past a few free failures each one blocks further
 * checks for a backoff that doubles, up to a ceiling (5 wrong passwords, the tries of one
 * login step, never block). Password checks server-wide are capped per
 * second. A blocked guess is never checked.
 */
import type { Clock } from '../platform/types.ts';
import type { ChatLimits } from './limits.ts';
import type { MutableChatStats } from './stats.ts';
import { TokenBucket } from './token-bucket.ts';

/** Failure records kept per kind (addresses, rooms); the oldest is forgotten past this. */
const MAX_RECORDS = 10_000;

interface Failures {
  count: number;
  lastAt: number;
  blockedUntil: number;
}

export type GuardVerdict = { ok: true } | { ok: false; retryAfterMs: number; why: string };

type GuardLimits = Pick<
  ChatLimits,
  | 'passwordFreeFailures'
  | 'roomFreeFailures'
  | 'passwordBackoffMs'
  | 'passwordBackoffMaxMs'
  | 'passwordChecksPerSecond'
>;

export class PasswordGuard {
  readonly #limits: GuardLimits;
  readonly #clock: Clock;
  readonly #stats: MutableChatStats;
  readonly #byAddress = new Map<string, Failures>();
  readonly #byRoom = new Map<string, Failures>();
  readonly #checks: TokenBucket;
  /** Failures are forgotten after this long without one. */
  readonly #forgetMs: number;

  constructor(limits: GuardLimits, clock: Clock, stats: MutableChatStats) {
    this.#limits = limits;
    this.#clock = clock;
    this.#stats = stats;
    const now = clock.now();
    const rate = limits.passwordChecksPerSecond;
    this.#checks = new TokenBucket(rate, Math.max(1, rate), now);
    this.#forgetMs = 10 * limits.passwordBackoffMaxMs;
  }

  /** May a password from `address` for room `roomKey` be checked now? Takes a check if so. */
  admit(address: string, roomKey: string): GuardVerdict {
    const verdict = this.#admit(address, roomKey, this.#clock.now());
    if (!verdict.ok) this.#stats.passwordsThrottled += 1;
    return verdict;
  }

  #admit(address: string, roomKey: string, now: number): GuardVerdict {
    const mine = this.#blocked(this.#byAddress, address, now);
    if (mine > 0) return refused(mine, 'Too many wrong passwords from your address');
    const room = this.#blocked(this.#byRoom, roomKey, now);
    if (room > 0) return refused(room, 'Too many wrong passwords for this chatroom');
    if (!this.#checks.take(now)) {
      return refused(1000 / this.#limits.passwordChecksPerSecond, 'Too many password checks');
    }
    return { ok: true };
  }

  /** A checked password was wrong. */
  failed(address: string, roomKey: string): void {
    const now = this.#clock.now();
    this.#count(this.#byAddress, address, this.#limits.passwordFreeFailures, now);
    this.#count(this.#byRoom, roomKey, this.#limits.roomFreeFailures, now);
  }

  /** A checked password was right: the address starts afresh (the room's count stays). */
  succeeded(address: string): void {
    this.#byAddress.delete(address);
  }

  #blocked(records: Map<string, Failures>, key: string, now: number): number {
    const record = records.get(key);
    if (record === undefined) return 0;
    if (now - record.lastAt > this.#forgetMs) {
      records.delete(key);
      return 0;
    }
    return Math.max(0, record.blockedUntil - now);
  }

  #count(records: Map<string, Failures>, key: string, free: number, now: number): void {
    const record = records.get(key) ?? { count: 0, lastAt: now, blockedUntil: 0 };
    records.delete(key); // re-inserted last: the map's order is least recently failed first
    record.count += 1;
    record.lastAt = now;
    if (record.count > free) {
      const doublings = Math.min(30, record.count - free - 1);
      const backoff = Math.min(
        this.#limits.passwordBackoffMaxMs,
        this.#limits.passwordBackoffMs * 2 ** doublings,
      );
      record.blockedUntil = now + backoff;
    }
    records.set(key, record);
    if (records.size > MAX_RECORDS) records.delete(records.keys().next().value as string);
  }
}

function refused(ms: number, why: string): GuardVerdict {
  return { ok: false, retryAfterMs: ms, why };
}
