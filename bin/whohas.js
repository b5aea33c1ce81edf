#!/usr/bin/env node
// Runs the bundled CLI (dist/whohas.mjs, built by `npm run build`, which `npm ci` runs as
// `prepare`); without it, the TypeScript sources through tsx (slower to start).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/whohas.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  process.stderr.write('whohas: no dist/ build (npm run build); running the sources through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
