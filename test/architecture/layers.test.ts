/**
 * The layering rule of docs/ARCHITECTURE.md, enforced: every relative import in the tree is
 * checked against the arrow cli → (bench, scenarios) → harness → peer → (arq, chat) → platform,
 * with sim beside the product implementing the platform. A lower layer importing a higher one,
 * or a protocol area reaching for real I/O, fails here (and so in CI).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Layer {
  readonly area: string;
  /** Repo-relative prefixes (folders end in '/'). */
  readonly paths: readonly string[];
  /** The areas this one may import, besides itself. */
  readonly may: readonly string[];
}

const product = ['peer', 'arq', 'chat', 'nat', 'platform'];
const harnessAndBelow = ['harness', 'sim', ...product];

const LAYERS: readonly Layer[] = [
  { area: 'platform', paths: ['impl/platform/', 'impl/errors.ts'], may: [] },
  { area: 'arq', paths: ['impl/arq/'], may: ['platform'] },
  { area: 'nat', paths: ['impl/nat/'], may: ['platform'] },
  { area: 'chat', paths: ['impl/chat/'], may: ['nat', 'platform'] },
  { area: 'peer', paths: ['impl/peer/'], may: ['arq', 'chat', 'nat', 'platform'] },
  { area: 'sim', paths: ['sim/'], may: ['platform'] },
  { area: 'harness', paths: ['harness/'], may: ['sim', ...product] },
  { area: 'scenarios', paths: ['scenarios/'], may: harnessAndBelow },
  { area: 'bench', paths: ['bench/'], may: harnessAndBelow },
  { area: 'cli', paths: ['cli/'], may: ['bench', 'scenarios', ...harnessAndBelow] },
  { area: 'scripts', paths: ['scripts/'], may: ['cli', 'bench', 'scenarios', ...harnessAndBelow] },
];

/** Modules that only the real platform (and the CLI or harness above) may use. */
const REAL_IO = /^(node:)?(net|dgram|fs|fs\/promises|child_process|worker_threads)$/;
const NO_REAL_IO = ['arq', 'chat', 'nat', 'peer', 'sim'];

function areaOf(file: string): string | undefined {
  return LAYERS.find((layer) => layer.paths.some((p) => file === p || file.startsWith(p)))?.area;
}

const SPECIFIER =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const match of source.matchAll(SPECIFIER)) out.push(match[1] ?? match[2]);
  return out;
}

/** Every import of `file` (repo-relative) that points against the arrow, as readable lines. */
function violations(file: string, source: string): string[] {
  const from = areaOf(file);
  if (from === undefined) return [];
  const allowed = new Set([from, ...(LAYERS.find((l) => l.area === from)?.may ?? [])]);
  const found: string[] = [];
  for (const specifier of importsOf(source)) {
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const to = areaOf(target);
      if (to !== undefined && !allowed.has(to))
        found.push(`${file}: ${from} imports ${to} (${target})`);
    } else if (NO_REAL_IO.includes(from) && REAL_IO.test(specifier)) {
      found.push(`${file}: ${from} imports ${specifier}, which only the platform may use`);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

const checked = test.macro<[string, string, boolean]>({
  exec(t, file, source, allowed) {
    t.is(violations(file, source).length === 0, allowed, violations(file, source).join('\n'));
  },
  title: (_title, file, source, allowed) =>
    `${allowed ? 'allows' : 'refuses'} ${file}: ${source.replace(/\s+/g, ' ')}`,
});

// The check itself can fail: each refused line is an import the tree must never contain.
test(checked, 'impl/peer/x.ts', "import { run } from '../../bench/sweep/run.ts';", false);
test(checked, 'impl/chat/x.ts', "import { Peer } from '../peer/peer.ts';", false);
test(checked, 'sim/x.ts', "import type { ChatServer } from '../impl/chat/server.ts';", false);
test(checked, 'impl/arq/x.ts', "import { createSocket } from 'node:dgram';", false);
test(checked, 'bench/x.ts', "const m = await import('../cli/main.ts');", false);
test(checked, 'harness/x.ts', "export { run } from '../scenarios/runner.ts';", false);
test(checked, 'cli/x.ts', "import { run } from '../bench/sweep/run.ts';", true);
test(checked, 'sim/x.ts', "import type { Platform } from '../impl/platform/types.ts';", true);
test(checked, 'impl/peer/x.ts', "import { crc32 } from 'node:zlib';", true);

test('every import in the tree points down the layers', (t) => {
  const files = ['impl', 'sim', 'harness', 'scenarios', 'bench', 'cli', 'scripts'].flatMap((d) =>
    sourceFiles(join(root, d)),
  );
  t.true(files.length > 100, `found only ${files.length} files: is the root right?`);
  const unplaced = files.filter((file) => areaOf(file) === undefined);
  t.deepEqual(unplaced, [], 'every source file belongs to a layer');
  const found = files.flatMap((file) => violations(file, readFileSync(join(root, file), 'utf8')));
  t.deepEqual(found, []);
});

// Files stay readable in one sitting: the style guide's bound, held by CI rather than by memory.
const MAX_LINES = 300;

test(`every source file is at most ${MAX_LINES} lines`, (t) => {
  const dirs = ['impl', 'sim', 'harness', 'scenarios', 'bench', 'cli', 'scripts', 'test'];
  const long = dirs
    .flatMap((d) => sourceFiles(join(root, d)))
    .map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  t.deepEqual(long, []);
});
