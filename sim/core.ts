import type { EventHandler, SimEvent } from './event-queue.ts';
import type { Carrier } from './routing.ts';
import type { Trace } from './trace.ts';

/** What hosts, paths and sockets need from the simulator (kept narrow to avoid import cycles). */
export interface SimCore {
  readonly seed: string | number;
  /** Virtual milliseconds. */
  readonly now: number;
  readonly trace: Trace;
  /** Runs fn(arg) at virtual time `time` (never before now). */
  schedule(time: number, fn: EventHandler, arg?: unknown): SimEvent;
  cancel(event: SimEvent): void;
  /**
   * Runs `operation` in an event at the current virtual time and settles the returned promise
   * with its result; the run loop then yields so continuations run before time moves on.
   */
  settle<T>(operation: () => T): Promise<T>;
  /** Tells the run loop that the current event settled a promise (so it yields after it). */
  noteSettled(): void;
  /**
   * What carries packets from one host to another: the pair's private path (connect, or the
   * default lan), or the route over links when both hosts are linked and not connected.
   */
  carrier(from: number, to: number): Carrier;
  /** Resolves an address as seen from host `from` to a host index, or -1. */
  hostIndexOf(address: string, from: number): number;
}
