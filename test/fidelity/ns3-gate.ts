/**
 * The fidelity tests need ns-3 (Debian's libns3-dev) and g++. .ci/run installs them, so in CI
 * (CI=true) their absence is a failure; elsewhere the tests skip, loudly.
 */
import test from 'ava';
import { ns3Missing } from '../../bench/fidelity/ns3.ts';

/** True when ns-3 is here; otherwise registers the failing (CI) or skipped test and warns. */
export async function ns3Ready(suite: string): Promise<boolean> {
  const missing = await ns3Missing();
  if (missing === undefined) return true;
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`${suite} against ns-3: ${missing}`, (t) => {
    t.fail(`ns-3 is required by the fidelity tests: ${missing}`);
  });
  if (!inCi) console.warn(`SKIPPED ${suite} against ns-3: ${missing}`);
  return false;
}

/** |ours ÷ reference − 1|. */
export function deviation(ours: number, reference: number): number {
  return Math.abs(ours / reference - 1);
}

export function meanAndStandardError(values: number[]): { mean: number; se: number } {
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
}
