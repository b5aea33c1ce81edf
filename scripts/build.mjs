// `npm run build` (and `prepare`, so `npm ci` runs it): bundles the CLI into dist/whohas.mjs,
// which bin/whohas.js runs instead of loading every TypeScript module through tsx (~0.3 s saved
// per command). Packages are bundled too (one file to compile instead of hundreds to resolve),
// except tsx (the bench's workers register it at run time), xmlbuilder2 (loaded only for a
// JUnit report), Vega (loaded only to draw charts) and playwright-core (only for PNG charts). CommonJS packages get a `require` for the Node built-ins they use.
//
// Modules that spawn TypeScript workers next to themselves (bench/sweep/pool.ts, the baselines,
// the bench roles) build the worker's address from `import.meta.url`; in a bundle that would be
// dist/whohas.mjs. So each bundled module's `import.meta.url` is rewritten to its own source
// file's address, relative to the bundle (the workers still run from source, through tsx).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `node scripts/build.mjs [outfile]`: dist/whohas.mjs unless told (the bundle test builds aside). */
const outfile = resolve(process.argv[2] ?? resolve(root, 'dist/whohas.mjs'));
/** `node scripts/build.mjs OUTFILE META.json` also writes esbuild's metafile (test/cli/startup-graph). */
const metafilePath = process.argv[3];

/** Replaces `import.meta.url` in each source module by that module's own URL. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const fromBundle = relative(dirname(outfile), args.path).split('\\').join('/');
      const own = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

// Chunk names are content hashes, so every build that changes a chunk leaves the old one
// behind: remove the chunks (and their source maps) of earlier builds, nothing else.
const outdir = dirname(outfile);
const stale = await readdir(outdir).catch(() => []);
await Promise.all(
  stale
    .filter((name) => /^chunk-[A-Za-z0-9]+\.mjs(\.map)?$/.test(name))
    .map((name) => rm(resolve(outdir, name), { force: true })),
);

const result = await build({
  // Code splitting: what a command loads through `await import()` (BullMQ and ioredis for
  // queues and clusters, the certificate generator for --tls) goes to chunks beside the bundle,
  // read only by the commands that use them, so every other command starts faster.
  entryPoints: { [basename(outfile, '.mjs')]: resolve(root, 'cli/main.ts') },
  outdir,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['tsx', 'tsx/*', 'xmlbuilder2', 'vega', 'vega-lite', 'playwright-core'],
  banner: {
    js: "import { createRequire as whohasRequire } from 'node:module'; const require = whohasRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [sourceUrls],
  metafile: metafilePath !== undefined,
});
if (metafilePath !== undefined) await writeFile(metafilePath, JSON.stringify(result.metafile));
