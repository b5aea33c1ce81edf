// `npm run build:native` (and `prepare`, so `npm ci` runs it): compiles native/udp_batch.cc, the
// optional N-API addon for batched UDP sends (sendmmsg, UDP GSO), with g++ directly. The output
// goes to .cache/native/udp_batch-<hash of the source>.node, which impl/platform/native-udp.ts
// loads; an existing one is kept. Without g++ (or off Linux) it does nothing, silently: whohas
// then sends with node:dgram alone. A compile failure is reported in one line and does not fail
// the install.
//
//   node scripts/build-native.mjs [--verbose]     exit status 0 unless --strict and not built
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native/udp_batch.cc');
const strict = process.argv.includes('--strict');
const verbose = process.argv.includes('--verbose') || strict;

/** Where the addon for this source goes (impl/platform/native-udp.ts computes the same). */
export function addonPath(text) {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return join(root, '.cache/native', `udp_batch-${hash}.node`);
}

function headers() {
  const candidates = [
    join(root, 'node_modules/node-api-headers/include'),
    join(dirname(process.execPath), '../include/node'),
    '/usr/include/node',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function main() {
  if (process.platform !== 'linux') return skip('not Linux (sendmmsg and UDP GSO are Linux calls)');
  if (spawnSync('g++', ['--version']).status !== 0) return skip('g++ is not installed');
  const include = headers();
  if (include === undefined) return skip('no node_api.h (npm ci installs node-api-headers)');
  const out = addonPath(readFileSync(source));
  if (existsSync(out)) {
    if (verbose) console.log(`native addon up to date: ${out}`);
    return true;
  }
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(
      'g++',
      [
        '-O2',
        '-std=c++17',
        '-shared',
        '-fPIC',
        '-fvisibility=hidden',
        '-DNAPI_VERSION=8',
        '-DNODE_GYP_MODULE_NAME=udp_batch',
        `-I${include}`,
        source,
        '-o',
        partial,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    const reason =
      String(error.stderr ?? error.message)
        .split('\n')
        .find((line) => line.includes('error')) ?? error.message;
    console.error(
      `whohas: the native send addon did not build (${reason.trim()}); using node:dgram`,
    );
    return false;
  }
  // Rename into place: a concurrent build (two test workers) never loads a half-written file.
  renameSync(partial, out);
  if (verbose) console.log(`native addon built: ${out}`);
  return true;
}

function skip(reason) {
  if (verbose) console.error(`native addon not built: ${reason}`);
  return false;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = main();
  if (strict && !built) process.exitCode = 1;
}
