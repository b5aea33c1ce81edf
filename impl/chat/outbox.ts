/**
 * What one client has yet to receive: output gathered during a batch, then the socket's write
 * buffer. Capped per client (maxOutboxBytes, and a write buffer that must drain within
 * stallTimeoutMs) and counted in the server-wide budget; past a cap the client is cut off.
 */
import type { Clock, StreamSocket, TimerHandle } from '../platform/types.ts';
import type { ChatLimits } from './limits.ts';
import type { Backlogged, OutboxBudget } from './outbox-budget.ts';
import type { Flushable, OutputBatch } from './output-batch.ts';
import type { MutableChatStats } from './stats.ts';
import { type Turns, WRITE_COST } from './turns.ts';

export interface OutboxHost {
  readonly clock: Clock;
  readonly limits: Readonly<ChatLimits>;
  readonly stats: MutableChatStats;
  /** Gathers output while a chunk of input is processed. */
  readonly batch: OutputBatch;
  /** The bytes queued to all clients together. */
  readonly budget: OutboxBudget;
  /** Counts the work of the event-loop turn. */
  readonly turns: Turns;
}

export class Outbox implements Flushable, Backlogged {
  readonly #socket: StreamSocket;
  readonly #host: OutboxHost;
  readonly #cutOff: (why: string) => void;
  #pending: Buffer[] | undefined;
  #pendingBytes = 0;
  #stallTimer: TimerHandle | undefined;

  /** `cutOff`: the client passed a cap and must be dropped at once. */
  constructor(socket: StreamSocket, host: OutboxHost, cutOff: (why: string) => void) {
    this.#socket = socket;
    this.#host = host;
    this.#cutOff = cutOff;
    socket.on('drain', () => this.#onDrain());
  }

  /** Bytes queued to this client: the socket's and those gathered in the batch. */
  get backlogBytes(): number {
    return this.#socket.writableLength + this.#pendingBytes;
  }

  send(bytes: Buffer): void {
    this.#host.turns.spend(1);
    // Once output is gathered, later output queues behind it, batch open or not: order is kept.
    if (this.#pending === undefined && !this.#host.batch.open) {
      this.#write(bytes);
      return;
    }
    if (this.#pending === undefined) {
      this.#pending = [];
      this.#host.batch.add(this);
    }
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.backlogBytes > this.#host.limits.maxOutboxBytes) {
      this.#cutOff(`outbox over ${this.#host.limits.maxOutboxBytes} bytes`);
      return;
    }
    this.#host.budget.note(this, this.backlogBytes);
  }

  /** Writes the output gathered during a batch. */
  flush(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending, this.#pendingBytes);
    this.#pending = undefined;
    this.#pendingBytes = 0;
    this.#write(bytes);
  }

  cutOffForBudget(): void {
    this.#cutOff('the outboxes of all clients are over the server budget');
  }

  /** Nothing more will be written: gathered output is dropped, timers stop, the budget forgets. */
  close(): void {
    this.#pending = undefined;
    this.#pendingBytes = 0;
    this.#host.clock.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#host.budget.note(this, 0);
  }

  #write(bytes: Buffer): void {
    this.#host.turns.spend(WRITE_COST);
    const below = this.#socket.write(bytes);
    this.#host.stats.bytesOut += bytes.length;
    if (this.#socket.writableLength > this.#host.limits.maxOutboxBytes) {
      this.#cutOff(`outbox over ${this.#host.limits.maxOutboxBytes} bytes`);
      return;
    }
    if (!below && this.#stallTimer === undefined) this.#startStallTimer();
    this.#host.budget.note(this, this.backlogBytes);
  }

  #startStallTimer(): void {
    const ms = this.#host.limits.stallTimeoutMs;
    if (!Number.isFinite(ms)) return;
    this.#stallTimer = this.#host.clock.setTimeout(() => {
      this.#stallTimer = undefined;
      this.#cutOff(`no drain within ${ms} ms`);
    }, ms);
  }

  #onDrain(): void {
    this.#host.clock.clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#host.budget.note(this, this.backlogBytes);
  }
}
