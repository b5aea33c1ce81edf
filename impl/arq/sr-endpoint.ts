/**
 * What the two Selective Repeat cores share: the failure they end in, the counters, and the
 * control datagrams owed whatever the transfer's state (abort.ts: ABORT_ACK to each valid ABORT,
 * our own ABORT repeated until acknowledged, one version 1 ABORT for an old peer). Every datagram
 * either core emits goes through `sent`, so `packetsSent` counts all of them.
 */
import type { ErrorCode } from '../errors.ts';
import { AbortExchange, localFailure } from './abort.ts';
import type { Scheme } from './codec.ts';
import type { CoreFailure } from './core.ts';
import { StatsRecorder } from './stats.ts';

export abstract class SrEndpoint {
  readonly scheme: Scheme = 'sr';
  protected readonly id: number;
  protected readonly counters = new StatsRecorder();
  protected readonly control: AbortExchange;
  #failure: CoreFailure | null = null;

  constructor(transferId: number) {
    this.id = transferId >>> 0;
    this.control = new AbortExchange(this.id);
  }

  get failure(): CoreFailure | null {
    return this.#failure;
  }

  /** Drops what the transfer held (its buffers): it has ended. */
  protected abstract release(): void;

  /** Ends in `failure`; a local failure tells the other side (ABORT with `token`). */
  protected end(failure: CoreFailure, now: number, token: bigint, notify = true): void {
    this.#failure = failure;
    this.counters.endedAt = now;
    this.release();
    if (failure.remote || !notify) return;
    if (failure.code === 'UNSUPPORTED_VERSION') this.control.oweOldVersion();
    else this.control.begin(failure.code, token, now);
  }

  protected localFailure(code: ErrorCode, message: string): CoreFailure {
    return localFailure(code, message);
  }

  /** An ABORT_ACK: received while our ABORT repeats, else ignored (as Go-Back-N counts it). */
  protected abortAcknowledged(): void {
    if (this.control.deadline === null) {
      this.counters.ignored++;
      return;
    }
    this.counters.packetsReceived++;
    this.control.stop();
  }

  /** The next control datagram due (ABORT_ACK, version 1 ABORT, ABORT), counted as sent. */
  protected pollControl(now: number, intervalMs: number): Buffer | null {
    return this.sent(this.control.poll(now, intervalMs), now);
  }

  protected abortDeadline(): number | null {
    return this.control.deadline;
  }

  protected sent(datagram: Buffer | null, now: number): Buffer | null {
    if (datagram === null) return null;
    if (Number.isNaN(this.counters.startedAt)) this.counters.startedAt = now;
    this.counters.packetsSent++;
    return datagram;
  }
}
