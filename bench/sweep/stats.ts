/**
 * Spread across seeds: mean, sample standard deviation and the 95 % confidence interval of the
 * mean (Student's t, since a sweep has few seeds per point). simple-statistics does the sums; it
 * has no t quantile, so the two-sided 97.5 % points are tabulated here (df 1..30, then normal).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';

/** t(0.975, df) for df = 1..30 (any statistics table); beyond 30 the normal 1.96 is within 2 %. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) return Number.NaN;
  return T_975[df - 1] ?? 1.96;
}

export interface Spread {
  /** Values that went in (finished runs). */
  n: number;
  mean: number;
  /** Sample standard deviation; NaN for fewer than two values. */
  sd: number;
  /** Half-width of the 95 % confidence interval of the mean; NaN for fewer than two values. */
  ci95: number;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, ci95: Number.NaN };
  const m = mean([...values]);
  if (n < 2) return { n, mean: m, sd: Number.NaN, ci95: Number.NaN };
  const sd = sampleStandardDeviation([...values]);
  return { n, mean: m, sd, ci95: (tQuantile975(n - 1) * sd) / Math.sqrt(n) };
}
