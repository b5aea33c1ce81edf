/**
 * Tests on the real IPv6 loopback (::1). A machine without it skips them loudly; in CI, which
 * has it, its absence fails (as the Redis tests do for redis-server).
 */
import { networkInterfaces } from 'node:os';
import test, { type ImplementationFn } from 'ava';

/** Why ::1 cannot be used here, or undefined when it can. */
export function ipv6LoopbackUnavailable(): string | undefined {
  const has = Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((a) => a.family === 'IPv6' && a.address === '::1'),
  );
  return has ? undefined : 'this machine has no IPv6 loopback (::1)';
}

/** `test.serial(title, fn)` where ::1 exists; else one loud skip (a failure when CI=true). */
export function ipv6Test(title: string, fn: ImplementationFn<[]>): void {
  const unavailable = ipv6LoopbackUnavailable();
  if (!unavailable) {
    test.serial(title, fn);
    return;
  }
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`${title}: ${unavailable}`, (t) => {
    t.fail(unavailable);
  });
  if (!inCi) console.warn(`SKIPPED ${title}: ${unavailable}`);
}
