#!/usr/bin/env node
// Runs the bundled CLI (dist/whohas.mjs, built by `npm run build`, which `npm ci` runs as
// `prepare`) when it is at least as new as every source file it was built from; otherwise (no
// build, or sources edited since) the TypeScript sources through tsx, slower to start but never
// stale. The check stats a few hundred files: a few milliseconds. An installed copy (under
// node_modules/, from `npm install -g` or npx) runs its bundle as shipped: npm writes the files
// in tarball order, so their times say nothing about which was built from which.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/whohas.mjs', root);
const SOURCES = ['cli', 'impl', 'harness', 'bench', 'scenarios', 'sim'];

function newestSourceMs() {
  let newest = 0;
  for (const dir of SOURCES) {
    const base = new URL(`${dir}/`, root);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base, { recursive: true })) {
      if (!name.endsWith('.ts')) continue;
      newest = Math.max(newest, statSync(new URL(name, base)).mtimeMs);
    }
  }
  return newest;
}

const installed = root.pathname.split('/').includes('node_modules');
const built = existsSync(bundle) ? statSync(bundle).mtimeMs : -1;
if (built >= 0 && (installed || built >= newestSourceMs())) {
  await import(bundle.href);
} else {
  const why = built < 0 ? 'no dist/ build' : 'dist/ is older than the sources';
  process.stderr.write(`whohas: ${why} (npm run build); running the sources through tsx\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
