import test from 'ava';
import { EventQueue } from '../../sim/index.ts';

function drain(queue: EventQueue): number[] {
  const out: number[] = [];
  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    out.push(event.arg as number);
  }
  return out;
}

test('pops by time, ties in insertion order', (t) => {
  const queue = new EventQueue();
  const times = [5, 1, 5, 3, 1, 0, 5];
  times.forEach((time, index) => {
    queue.push(time, () => {}, index);
  });
  t.deepEqual(drain(queue), [5, 1, 4, 3, 0, 2, 6]);
});

test('matches a stable sort on thousands of pseudo-random times', (t) => {
  const queue = new EventQueue();
  const times: number[] = [];
  let state = 7;
  for (let i = 0; i < 5000; i++) {
    state = (Math.imul(state, 1103515245) + 12345) | 0;
    times.push((state >>> 16) % 100);
    queue.push(times[i], () => {}, i);
  }
  const expected = [...times.keys()].sort((x, y) => times[x] - times[y] || x - y);
  t.deepEqual(drain(queue), expected);
});

test('cancelled events never pop and do not count; compaction keeps the order', (t) => {
  const queue = new EventQueue();
  const events = Array.from({ length: 3000 }, (_, i) => queue.push(i % 50, () => {}, i));
  for (const event of events) if ((event.arg as number) % 3 !== 0) queue.cancel(event);
  queue.cancel(events[1]);
  t.is(queue.size, 1000);
  const expected = events
    .filter((event) => (event.arg as number) % 3 === 0)
    .sort((x, y) => x.time - y.time || x.seq - y.seq)
    .map((event) => event.arg);
  t.deepEqual(drain(queue), expected);
  t.is(queue.size, 0);
  t.is(queue.peek(), undefined);
});

test('cancelling an event that already ran changes nothing', (t) => {
  const queue = new EventQueue();
  const first = queue.push(1, () => {}, 1);
  queue.push(2, () => {}, 2);
  t.is(queue.pop(), first);
  queue.cancel(first);
  t.is(queue.size, 1);
  t.deepEqual(drain(queue), [2]);
  t.is(queue.size, 0);
});
