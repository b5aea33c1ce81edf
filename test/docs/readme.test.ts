/**
 * The README's fenced blocks: each is either run here as written or carries a
 * `<!-- readme-snippet: not run in tests: WHY -->` line above it, so a snippet that stops working
 * (the simulator example once threw ECONNREFUSED: nothing listened on its port) fails the suite.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

interface Block {
  mark: string;
  lang: string;
  body: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /(?:^|\n)(?:(<!--[^\n]*-->)\n)?```([a-z]*)\n([\s\S]*?)\n```(?=\n|$)/g;
  for (const match of markdown.matchAll(fence)) {
    found.push({ mark: match[1] ?? '', lang: match[2] ?? '', body: match[3] ?? '' });
  }
  return found;
}

test('every README block is run by a test or says why it is not', async (t) => {
  const all = blocks(await readFile(join(root, 'README.md'), 'utf8'));
  t.true(all.length >= 6, 'the fence parser found the README blocks');
  const unmarked = all.filter(
    (block) => !/^<!-- readme-snippet: (run by|not run in tests: .+)/.test(block.mark),
  );
  t.deepEqual(
    unmarked.map((block) => block.body.split('\n')[0]),
    [],
    'blocks without a readme-snippet mark',
  );
});

test("the README's simulator snippet runs as written", async (t) => {
  const markdown = await readFile(join(root, 'README.md'), 'utf8');
  const snippet = blocks(markdown).find(
    (block) => block.lang === 'ts' && block.body.includes('new Simulator'),
  );
  if (!snippet) return t.fail('no ts block with the Simulator in README.md');
  t.regex(snippet.mark, /run by test\/docs\/readme\.test\.ts/);
  // The snippet imports './sim/index.ts' from the repository root; run it from a temporary file
  // with that import pointed at the checkout, unchanged otherwise.
  const dir = await mkdtemp(join(tmpdir(), 'whohas-readme-'));
  try {
    const file = join(dir, 'snippet.mts');
    const source = snippet.body.replace(
      "'./sim/index.ts'",
      JSON.stringify(join(root, 'sim/index.ts')),
    );
    await writeFile(file, source);
    const { stdout } = await run(process.execPath, ['--import=tsx', file], {
      cwd: root,
      timeout: 60_000,
    });
    t.regex(stdout, /^hello from bob$/m);
    t.regex(stdout, /^seed 42: .* trace hash [0-9a-f]{16}$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
