/**
 * The two ends of an ABORT, shared by the Selective Repeat cores: the side that gives up repeats
 * its ABORT until an ABORT_ACK arrives (at most ABORT_TRIES sends within ABORT_SPAN_MS), and the
 * side that is told maps the code it received onto its own error codes. Pure: time comes in.
 */
import type { ErrorCode } from '../errors.ts';
import { encodeAbort } from './codec.ts';
import type { CoreFailure } from './core.ts';

export const ABORT_TRIES = 5;
export const ABORT_SPAN_MS = 2_000;
/** The receiver's spacing between repeats (it has no RTO of its own). */
export const RECEIVER_ABORT_INTERVAL_MS = 200;

/** Codes the other side may name in an ABORT that keep their meaning here. */
const KEPT: ReadonlySet<string> = new Set<ErrorCode>([
  'UNSUPPORTED_ARQ',
  'UNSUPPORTED_VERSION',
  'HASH_MISMATCH',
  'SIZE_MISMATCH',
  'IO_ERROR',
  'TRANSFER_TIMEOUT',
  'SLOTS_FULL',
  'FILE_CHANGED',
]);

/** The failure a valid ABORT from the other side means for this side. */
export function remoteFailure(side: 'sender' | 'receiver', code: string): CoreFailure {
  return {
    code: KEPT.has(code) ? (code as ErrorCode) : 'TRANSFER_ABORTED',
    message: `the ${side} aborted the transfer (${code})`,
    remote: true,
  };
}

/** Our ABORT, repeated until acknowledged, out of tries or out of time. */
export class AbortRepeater {
  readonly #datagram: Buffer;
  readonly #firstAt: number;
  #sent = 0;
  #dueAt: number;
  #acknowledged = false;

  constructor(transferId: number, code: ErrorCode, token: bigint, now: number) {
    this.#datagram = encodeAbort(transferId, code, token);
    this.#firstAt = now;
    this.#dueAt = now;
  }

  /** The ABORT_ACK arrived: stop repeating. */
  acknowledge(): void {
    this.#acknowledged = true;
  }

  get finished(): boolean {
    return this.#acknowledged || this.#sent >= ABORT_TRIES;
  }

  /** The ABORT if one is due at `now`; the next repeat comes `intervalMs` later. */
  poll(now: number, intervalMs: number): Buffer | null {
    if (this.finished || now < this.#dueAt) return null;
    this.#sent++;
    this.#dueAt = now + intervalMs;
    if (this.#dueAt - this.#firstAt > ABORT_SPAN_MS) this.#sent = ABORT_TRIES;
    return this.#datagram;
  }

  /** When the next repeat is due, or null when no more will be sent. */
  deadline(): number | null {
    return this.finished ? null : this.#dueAt;
  }
}
