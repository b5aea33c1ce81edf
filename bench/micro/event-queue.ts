/**
 * The simulator's event queue: schedule and run events the way a simulation does (a steady
 * population of pending events, each run scheduling a successor a little later), plus the same
 * with a third of the timers cancelled before they fire. Goal: at least 1,000,000 events per wall
 * second.
 *
 *   npx tsx bench/micro/event-queue.ts
 */
import { Bench } from 'tinybench';
import { EventQueue } from '../../sim/event-queue.ts';

/** Events each benchmark iteration runs through the queue. */
export const EVENTS_PER_ITERATION = 10_000;
const POPULATION = 256;

function churn(cancelEvery: number): number {
  const queue = new EventQueue();
  let state = 12345;
  const nextDelay = () => {
    state = (Math.imul(state, 1103515245) + 12345) | 0;
    return ((state >>> 8) & 0xffff) / 65.536;
  };
  let ran = 0;
  const handler = () => {
    ran++;
  };
  let now = 0;
  for (let i = 0; i < POPULATION; i++) queue.push(nextDelay(), handler);
  for (let i = 0; i < EVENTS_PER_ITERATION; i++) {
    const event = queue.pop();
    if (event === undefined) break;
    now = event.time;
    event.fn(event.arg);
    const next = queue.push(now + nextDelay(), handler);
    if (cancelEvery > 0 && i % cancelEvery === 0) {
      queue.cancel(next);
      queue.push(now + nextDelay(), handler);
    }
  }
  return ran;
}

export function register(bench: Bench): void {
  bench.add(`event queue: ${EVENTS_PER_ITERATION} events, ${POPULATION} pending`, () => {
    churn(0);
  });
  bench.add(`event queue: ${EVENTS_PER_ITERATION} events, 1/3 of timers cancelled`, () => {
    churn(3);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bench = new Bench({ time: 1000 });
  register(bench);
  await bench.run();
  console.table(bench.table());
  for (const task of bench.tasks) {
    const result = task.result as { throughput?: { mean: number } } | undefined;
    const perSecond = (result?.throughput?.mean ?? 0) * EVENTS_PER_ITERATION;
    console.log(`${task.name}: ${Math.round(perSecond).toLocaleString('en-US')} events/s`);
  }
}
