/** The spread the charts draw: checked against values worked by hand from a statistics table. */
import test from 'ava';
import { spread, tQuantile975 } from '../../bench/sweep/stats.ts';

const spreadOf = test.macro(
  (t, values: number[], expected: { mean: number; sd: number; ci95: number }) => {
    const got = spread(values);
    t.is(got.n, values.length);
    for (const key of ['mean', 'sd', 'ci95'] as const) {
      if (Number.isNaN(expected[key])) t.true(Number.isNaN(got[key]), key);
      else t.true(Math.abs(got[key] - expected[key]) < 1e-3, `${key}: ${got[key]}`);
    }
  },
);

// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7) = 2.138, CI t(7) 2.365 · sd / sqrt 8 = 1.788.
test('eight values: sample sd and a t-based interval', spreadOf, [2, 4, 4, 4, 5, 5, 7, 9], {
  mean: 5,
  sd: 2.13809,
  ci95: 1.78774,
});
// Three seeds, the sweep's default: t(2) = 4.303 makes the interval far wider than the sd.
test('three seeds: the interval is 4.303 sd / sqrt 3', spreadOf, [10, 12, 14], {
  mean: 12,
  sd: 2,
  ci95: 4.96866,
});
test('one run has a mean but no spread', spreadOf, [7], {
  mean: 7,
  sd: Number.NaN,
  ci95: Number.NaN,
});
test('no runs have nothing', spreadOf, [], { mean: Number.NaN, sd: Number.NaN, ci95: Number.NaN });

test('t quantiles: the table for small samples, the normal 1.96 beyond 30', (t) => {
  t.is(tQuantile975(1), 12.706);
  t.is(tQuantile975(30), 2.042);
  t.is(tQuantile975(200), 1.96);
  t.true(Number.isNaN(tQuantile975(0)));
});
