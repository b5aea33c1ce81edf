import test from 'ava';
import { REPLAY_WINDOW, ReplayWindow } from '../../impl/seal/replay-window.ts';

/** Feeds counters in order; returns which were fresh (and so marked). */
function feed(counters: number[]): boolean[] {
  const window = new ReplayWindow();
  return counters.map((counter) => {
    const fresh = window.fresh(counter);
    if (fresh) window.mark(counter);
    return fresh;
  });
}

const windowTable = test.macro({
  exec(t, counters: number[], expected: boolean[]) {
    t.deepEqual(feed(counters), expected);
  },
  title: (title = '') => `replay window: ${title}`,
});

test('in order, all fresh', windowTable, [0, 1, 2, 3], [true, true, true, true]);
test('a repeat is a replay', windowTable, [0, 1, 1, 0], [true, true, false, false]);
test(
  'reordered within the window is fresh once',
  windowTable,
  [5, 2, 4, 2],
  [true, true, true, false],
);
test(
  'older than the window is refused',
  windowTable,
  [0, REPLAY_WINDOW + 5, 4, 6],
  [true, true, false, true],
);
test(
  'a slot reused after the window moved is fresh again',
  windowTable,
  [3, REPLAY_WINDOW + 3, REPLAY_WINDOW + 3],
  [true, true, false],
);
