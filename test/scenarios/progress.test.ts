/**
 * The progress line: silent on short runs, one plain line per interval in logs (never a flood),
 * redrawn in place on a terminal and cleared at the end.
 */
import test from 'ava';
import { createProgress } from '../../scenarios/progress.ts';

function harness(tty: boolean) {
  let clock = 0;
  const written: string[] = [];
  const progress = createProgress({
    write: (text) => written.push(text),
    tty,
    now: () => clock,
    everyMs: 15_000,
    ttyEveryMs: 100,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { written, progress, advance };
}

test('in a log, a run shorter than the interval prints nothing', (t) => {
  const { written, progress, advance } = harness(false);
  for (let done = 1; done <= 100; done++) {
    advance(100);
    progress.update(done, 100, 0);
  }
  progress.finish();
  t.deepEqual(written, []);
});

test('in a log, a long run prints one line per interval with runs done and failures', (t) => {
  const { written, progress, advance } = harness(false);
  for (let done = 1; done <= 1000; done++) {
    advance(100);
    progress.update(done, 1000, done > 500 ? 2 : 0);
  }
  // 100 s of runs, a line at most every 15 s: six lines, not a thousand.
  t.is(written.length, 6);
  t.is(written[0], 'scenarios: 150/1000 runs done, 0 failed, 15 s\n');
  t.regex(written[5], /^scenarios: 900\/1000 runs done, 2 failed, 90 s\n$/);
});

test('on a terminal, the line is redrawn in place, throttled, and cleared at the end', (t) => {
  const { written, progress, advance } = harness(true);
  for (let done = 1; done <= 50; done++) {
    advance(10);
    progress.update(done, 50, 1);
  }
  progress.finish();
  t.true(written.length <= 7, `${written.length} redraws`);
  t.true(written.slice(0, -1).every((text) => text.startsWith('\r\x1b[K') && !text.includes('\n')));
  t.regex(written.at(-2) ?? '', /50\/50 runs done, 1 failed/);
  t.is(written.at(-1), '\r\x1b[K');
});
