import type { ErrorCode } from '../errors.ts';
import { encodeAbort, encodeAbortAck, encodeAbortV1 } from './codec.ts';
import type { CoreFailure } from './core.ts';

/** ABORTs sent at most, and the longest time spent repeating them (spec: 5 tries / ~2 s). */
export const ABORT_TRIES = 5;
export const ABORT_REPEAT_FOR_MS = 2_000;
/** The receiver's spacing between ABORTs (the sender uses its current RTO). */
export const RECEIVER_ABORT_SPACING_MS = 200;
/** Answers owed at most at once: a flood of ABORTs (or version 1 datagrams) draws a few, not one each. */
const MAX_OWED = 5;

/** Codes the other side may name in an ABORT that keep their meaning here. */
const FORWARDED: ReadonlySet<string> = new Set<ErrorCode>([
  'HASH_MISMATCH',
  'SIZE_MISMATCH',
  'IO_ERROR',
  'TRANSFER_TIMEOUT',
  'SLOTS_FULL',
  'FILE_CHANGED',
  'UNSUPPORTED_ARQ',
  'UNSUPPORTED_VERSION',
]);

/** The failure a valid ABORT from the other side means here. */
export function remoteFailure(side: 'sender' | 'receiver', code: string): CoreFailure {
  return Object.freeze({
    code: FORWARDED.has(code) ? (code as ErrorCode) : 'TRANSFER_ABORTED',
    message: `the ${side} aborted the transfer (${code})`,
    remote: true,
  });
}

export function localFailure(code: ErrorCode, message: string): CoreFailure {
  return Object.freeze({ code, message, remote: false });
}

/**
 * The control datagrams a core (any scheme, either side) owes whatever the transfer's state: its
 * own ABORT, repeated (every `spacing` ms) until an ABORT_ACK arrives, ABORT_TRIES were sent or
 * ABORT_REPEAT_FOR_MS passed; an ABORT_ACK for every valid ABORT the other side sends (repeats
 * included); a version 1 ABORT UNSUPPORTED_VERSION for an old peer (which has no ABORT_ACK to
 * stop repeats with, so it gets one answer per datagram the core decides to answer).
 */
export class AbortExchange {
  readonly #transferId: number;
  #code = '';
  #token = 0n;
  #tries = 0;
  #firstAt = 0;
  /** When the next ABORT is due; null: none (not aborting, acknowledged, or gave up). */
  #dueAt: number | null = null;
  #abortAcksOwed = 0;
  #oldVersionOwed = 0;

  constructor(transferId: number) {
    this.#transferId = transferId;
  }

  /** Starts repeating ABORT `code` (the first one goes out at the next poll). */
  begin(code: string, token: bigint, now: number): void {
    this.#code = code;
    this.#token = token;
    this.#tries = 0;
    this.#firstAt = now;
    this.#dueAt = now;
  }

  /** The other side acknowledged our ABORT, or sent its own: no more repeats. */
  stop(): void {
    this.#dueAt = null;
  }

  /** A valid ABORT arrived: answer it. */
  owe(): void {
    this.#abortAcksOwed = Math.min(this.#abortAcksOwed + 1, MAX_OWED);
  }

  /** A version 1 datagram of this transfer: answer it in its own format. */
  oweOldVersion(): void {
    this.#oldVersionOwed = Math.min(this.#oldVersionOwed + 1, MAX_OWED);
  }

  /** The next ABORT deadline, or null. */
  get deadline(): number | null {
    return this.#dueAt;
  }

  /** The next control datagram due at `now`; `spacing` is the wait before the following try. */
  poll(now: number, spacing: number): Buffer | null {
    if (this.#abortAcksOwed > 0) {
      this.#abortAcksOwed--;
      return encodeAbortAck(this.#transferId);
    }
    if (this.#oldVersionOwed > 0) {
      this.#oldVersionOwed--;
      return encodeAbortV1(this.#transferId, 'UNSUPPORTED_VERSION');
    }
    if (this.#dueAt === null || now < this.#dueAt) return null;
    this.#tries++;
    const next = now + spacing;
    const over = this.#tries >= ABORT_TRIES || next - this.#firstAt > ABORT_REPEAT_FOR_MS;
    this.#dueAt = over ? null : next;
    return encodeAbort(this.#transferId, this.#code, this.#token);
  }
}
