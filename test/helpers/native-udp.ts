/**
 * The native send addon for tests: built here if it is not yet (scripts/build-native.mjs, as
 * `npm ci` does), then loaded. Where it cannot be had (no g++, not Linux), `nativeTests` makes
 * one test that fails in CI (which installs g++) and skips loudly elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { loadNativeUdp, type NativeUdp, nativeMode } from '../../impl/platform/native-udp.ts';

const BUILD = fileURLToPath(new URL('../../scripts/build-native.mjs', import.meta.url));

function buildAndLoad(): NativeUdp | string {
  if (process.platform !== 'linux') return 'sendmmsg and UDP GSO are Linux system calls';
  if (nativeMode() === 'off') return 'WHOHAS_NATIVE=0 turns the addon off';
  const built = spawnSync(process.execPath, [BUILD, '--strict'], { encoding: 'utf8' });
  if (built.status !== 0) return `the addon did not build: ${built.stderr.trim() || built.status}`;
  return loadNativeUdp() ?? 'the addon built but does not load';
}

/** Registers `register(native)`'s tests, or the loud skip (a failure in CI) when the addon is missing. */
export function nativeTests(area: string, register: (native: NativeUdp) => void): void {
  const native = buildAndLoad();
  if (typeof native !== 'string') {
    register(native);
    return;
  }
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`${area}: ${native}`, (t) => {
    t.fail(`the native send addon is required in CI (.ci/run installs g++): ${native}`);
  });
  if (!inCi) console.warn(`SKIPPED ${area} tests: ${native}`);
}
