/**
 * One budget for the bytes queued to all clients together (maxTotalOutboxBytes), on top of each
 * client's own cap. Clients report their backlog when it may have grown; past the budget the
 * largest backlogs are cut off first until the total fits, so memory stays bounded however many
 * members stop reading. Backlogs only shrink behind the server's back (the network takes bytes),
 * so the total kept is an upper bound, refreshed before anyone is cut off.
 */
import type { MutableChatStats } from './stats.ts';

export interface Backlogged {
  /** Bytes queued to this client now. */
  readonly backlogBytes: number;
  /** Cut the client off (it then reports a backlog of 0). */
  cutOffForBudget(): void;
}

export class OutboxBudget {
  readonly #max: number;
  readonly #stats: MutableChatStats;
  readonly #held = new Map<Backlogged, number>();
  #total = 0;
  #relieving = false;

  constructor(maxBytes: number, stats: MutableChatStats) {
    this.#max = maxBytes;
    this.#stats = stats;
  }

  /** The client's backlog is now `bytes`. */
  note(client: Backlogged, bytes: number): void {
    const before = this.#held.get(client) ?? 0;
    if (bytes === before) return;
    this.#total += bytes - before;
    if (bytes > 0) this.#held.set(client, bytes);
    else this.#held.delete(client);
    this.#stats.outboxBytes = this.#total;
    if (this.#total > this.#max && !this.#relieving) this.#relieve();
  }

  #relieve(): void {
    this.#relieving = true;
    try {
      for (const client of [...this.#held.keys()]) this.note(client, client.backlogBytes);
      if (this.#total <= this.#max) return;
      const largest = [...this.#held].sort((a, b) => b[1] - a[1]);
      for (const [client] of largest) {
        if (this.#total <= this.#max) break;
        this.#stats.cutOffBudget += 1;
        client.cutOffForBudget();
        this.note(client, 0);
      }
    } finally {
      this.#relieving = false;
    }
  }
}
