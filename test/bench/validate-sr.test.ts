import test from 'ava';
import { checkPoint, SR_TOLERANCE, srSummary, srTable } from '../../bench/validate-sr.ts';

// One validation point end to end (small, so it runs in a second): stop-and-wait is where the
// Selective Repeat model is exact, so the cores must land within the tolerance there.
const content = Buffer.alloc(1_500 * 2_032, 9);
const path = { bandwidthBps: 100e6, delayMs: 5, rtoMs: 40 };

test('stop-and-wait at 5 % loss: the cores match the model within the tolerance', (t) => {
  const check = checkPoint(path, 1, 0.05, content, 2);
  t.is(check.runs, 2);
  t.true(Math.abs(check.deviation) <= SR_TOLERANCE, `${check.deviation}`);
  const table = srTable([check]);
  t.is(table.rows.length, 1);
  t.regex(srSummary([check]), /0 of 1 points outside ±5 %/);
});
