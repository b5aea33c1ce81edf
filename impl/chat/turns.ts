/**
 * Fair input scheduling: the work one event-loop turn spends on input is bounded, so a huge
 * room's broadcasts cannot hold up another room's lines. Work is counted in deliveries (a line
 * queued to a client) and socket writes. Once a turn's budget is spent, a client whose next line
 * is expensive (it is in a big room) waits, paused, for a later turn; clients whose lines are
 * cheap go on at once. Waiting clients are served in turn order, first come first served, after
 * the I/O that is ready now (clock.defer), so other rooms' lines are read in between.
 */
import type { Clock } from '../platform/types.ts';

/** A line costing at most this (a room this small) never waits. */
export const CHEAP_LINE = 64;
/** A socket write counts as this many deliveries. */
export const WRITE_COST = 8;

export class Turns {
  readonly #clock: Clock;
  readonly #budget: number;
  #work = 0;
  #resetQueued = false;
  #waiting: (() => void)[] = [];

  /** `budget`: work a turn may spend before expensive lines wait for the next turn. */
  constructor(clock: Clock, budget: number) {
    this.#clock = clock;
    this.#budget = budget;
  }

  /** Work was done this turn. */
  spend(units: number): void {
    this.#work += units;
    this.#queueReset();
  }

  /** May a line of this cost run now? */
  mayRun(cost: number): boolean {
    return cost <= CHEAP_LINE || this.#work < this.#budget;
  }

  /** `resume` is called in a later turn, in the order of the calls to wait(). */
  wait(resume: () => void): void {
    this.#waiting.push(resume);
    this.#queueReset();
  }

  #queueReset(): void {
    if (this.#resetQueued) return;
    this.#resetQueued = true;
    this.#clock.defer(() => this.#nextTurn());
  }

  #nextTurn(): void {
    this.#resetQueued = false;
    this.#work = 0;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (let i = 0; i < waiting.length; i++) {
      if (this.#work >= this.#budget) {
        this.#waiting = waiting.slice(i).concat(this.#waiting);
        this.#queueReset();
        return;
      }
      waiting[i]();
    }
  }
}
