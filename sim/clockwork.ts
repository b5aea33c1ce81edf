import { promiseHooks } from 'node:v8';
import { WhohasError } from '../impl/errors.ts';
import { type EventHandler, EventQueue, type SimEvent } from './event-queue.ts';

export interface Budget {
  /** No event may run past this virtual time (ms). */
  maxTimeMs: number;
  /** Total events over the simulator's life. */
  maxEvents: number;
}

/** Events run back to back between macrotask yields, at most (keeps I/O and GC breathing). */
const EVENTS_PER_YIELD = 4096;
/**
 * Microtask turns tried before falling back to a macrotask turn (which drains every microtask):
 * bounds the loop when another simulator in the same process keeps the microtask queue busy.
 */
const MAX_DRAIN_TURNS = 256;
/**
 * Before the clock jumps this far ahead (to an idle timer: a keepalive, a login deadline), a full
 * macrotask turn, as when the queue runs dry: a long continuation chain still settling must not
 * see the clock leap past the work it was about to schedule.
 */
const LONG_JUMP_MS = 1_000;

const yieldToMacrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Promise reactions run so far in this process (await continuations and then-callbacks), counted
 * by a V8 promise hook installed while any simulator runs. A microtask turn in which no reaction
 * but our own ran proves the microtask queue was empty: nothing is left to settle.
 */
let reactions = 0;
let hookUsers = 0;
let stopHook: (() => void) | null = null;
const countReaction = () => {
  reactions++;
};

function hookOn(): void {
  if (hookUsers++ !== 0) return;
  const stop = promiseHooks.onBefore(countReaction);
  stopHook = () => stop();
}

function hookOff(): void {
  if (--hookUsers === 0) {
    stopHook?.();
    stopHook = null;
  }
}

/** Returns once every ready continuation has run (the microtask queue is empty). */
async function drainMicrotasks(): Promise<void> {
  for (let turn = 0; turn < MAX_DRAIN_TURNS; turn++) {
    const before = reactions;
    await undefined;
    // Our own continuation is one reaction; any other means work was pending: go again.
    if (reactions - before <= 1) return;
  }
  await yieldToMacrotasks();
}

/**
 * The simulator's run loop and virtual clock: one event queue ordered by (virtual time,
 * sequence); time moves only when an event runs. Budgets stop runs that do not end.
 *
 * Driving async code, the contract:
 * - Events run synchronously; socket events ('data', 'message', 'connection', ...) and timers
 *   fire inside them, so code that reacts synchronously runs at the event's virtual time.
 * - Promises the simulator creates (fs operations, connect, listen, bind, close) settle inside an
 *   event at the current virtual time; after such an event the loop yields a macrotask turn
 *   (setImmediate), so every continuation chain finishes before the next event runs.
 * - Before the clock advances, every ready continuation runs: the loop takes microtask turns
 *   until one passes in which no promise reaction but its own ran (a V8 promise hook counts
 *   them), so promise chains *you* settle inside event callbacks, of any length, finish at the
 *   event's virtual time (turmoil's guarantee). queueMicrotask callbacks are not counted.
 * - Before the clock jumps LONG_JUMP_MS or more, it yields a macrotask turn.
 * - Every EVENTS_PER_YIELD events it yields a macrotask turn regardless.
 * All yield points depend only on the event sequence, never on wall time: runs stay deterministic.
 * setImmediate is the only real-time facility used, and only as a yield point.
 */
export class Clockwork {
  private readonly queue = new EventQueue();
  private time = 0;
  private events = 0;
  private dirty = false;
  private running = false;

  constructor(
    readonly seed: number | string,
    private readonly budget: Budget,
  ) {}

  /** Virtual milliseconds since the start. */
  get now(): number {
    return this.time;
  }

  /** Events run so far. */
  get eventCount(): number {
    return this.events;
  }

  /** Live events waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Runs fn at virtual time `time` (for scenarios: faults at chosen instants). */
  at(time: number, fn: () => void): SimEvent {
    return this.schedule(time, fn);
  }

  /** Runs fn `delayMs` from now. */
  after(delayMs: number, fn: () => void): SimEvent {
    return this.schedule(this.time + delayMs, fn);
  }

  schedule(time: number, fn: EventHandler, arg?: unknown): SimEvent {
    return this.queue.push(Math.max(time, this.time), fn, arg);
  }

  cancel(event: SimEvent): void {
    this.queue.cancel(event);
  }

  settle<T>(operation: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.schedule(this.time, () => {
        try {
          resolve(operation());
        } catch (error) {
          reject(error);
        }
        this.dirty = true;
      });
    });
  }

  noteSettled(): void {
    this.dirty = true;
  }

  /** Runs one event synchronously (no yielding). Returns false when nothing is left. */
  step(): boolean {
    const event = this.queue.peek();
    if (event === undefined) return false;
    this.checkBudget(event);
    this.queue.pop();
    this.time = event.time;
    this.events++;
    event.fn(event.arg);
    return true;
  }

  /** Runs until no event is left. */
  async run(): Promise<void> {
    await this.drive(Number.POSITIVE_INFINITY, null);
  }

  /** Runs every event up to virtual time `time`, then sets the clock to it. */
  async runUntil(time: number): Promise<void> {
    await this.drive(time, null);
    if (time > this.time) this.time = time;
  }

  /**
   * Runs the simulation until `promise` settles and returns its outcome. Rejects with DEADLOCK
   * if nothing is left to run while it is still pending.
   */
  async until<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => {});
    // An already settled promise (or one a pending chain settles) reports so first: run nothing.
    hookOn();
    try {
      await drainMicrotasks();
    } finally {
      hookOff();
    }
    const finished = await this.drive(Number.POSITIVE_INFINITY, () => settled);
    if (!finished) {
      throw new WhohasError(
        'DEADLOCK',
        `simulation deadlock: no events left at ${this.time} ms and the awaited promise is still pending (seed ${this.seed})`,
      );
    }
    return promise;
  }

  /** Returns true if `done` became true, false if the queue ran dry (or time hit stopAt). */
  private async drive(stopAt: number, done: (() => boolean) | null): Promise<boolean> {
    if (this.running) throw new WhohasError('BAD_ARGUMENT', 'the simulator is already running');
    this.running = true;
    hookOn();
    try {
      let sinceYield = 0;
      let turnsGranted = false;
      const queue = this.queue;
      for (;;) {
        if (done?.()) return true;
        const event = queue.peek();
        if (event === undefined) {
          // Continuations may still schedule work: give them a full turn before giving up.
          await yieldToMacrotasks();
          sinceYield = 0;
          if (queue.size > 0 || done?.()) continue;
          return false;
        }
        if (event.time > stopAt) return false;
        if (event.time > this.time && !turnsGranted) {
          if (event.time - this.time >= LONG_JUMP_MS) {
            await yieldToMacrotasks();
            sinceYield = 0;
          } else {
            await drainMicrotasks();
          }
          turnsGranted = true;
          continue;
        }
        this.checkBudget(event);
        queue.pop();
        this.time = event.time;
        this.events++;
        turnsGranted = false;
        event.fn(event.arg);
        if (this.dirty || ++sinceYield >= EVENTS_PER_YIELD) {
          this.dirty = false;
          sinceYield = 0;
          await yieldToMacrotasks();
        }
      }
    } finally {
      hookOff();
      this.running = false;
    }
  }

  private checkBudget(event: SimEvent): void {
    if (event.time > this.budget.maxTimeMs) {
      throw new WhohasError(
        'BUDGET_EXCEEDED',
        `simulation budget exceeded: next event at ${event.time} ms is past maxTimeMs ${this.budget.maxTimeMs} (seed ${this.seed})`,
      );
    }
    if (this.events >= this.budget.maxEvents) {
      throw new WhohasError(
        'BUDGET_EXCEEDED',
        `simulation budget exceeded: ${this.events} events reached maxEvents (seed ${this.seed})`,
      );
    }
  }
}
