/**
 * The compiled CLI (scripts/build.mjs, run by `npm ci` as `prepare`): built aside here, so the
 * test checks the current sources, not whatever dist/ holds. It must start without tsx and still
 * find the TypeScript workers the bench spawns next to their modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import test from 'ava';

const built = (async () => {
  // Inside the repository (tmp/ is ignored): the bundle finds its packages in node_modules.
  await mkdir('tmp', { recursive: true });
  const dir = await mkdtemp(join('tmp', 'bundle-'));
  const outfile = join(dir, 'dist', 'whohas.mjs');
  const build = spawnSync(process.execPath, ['scripts/build.mjs', outfile], { encoding: 'utf8' });
  return { dir, outfile, build };
})();

test.after.always(async () => rm((await built).dir, { recursive: true, force: true }));

test('the bundle builds and runs --help and a scenario without tsx', async (t) => {
  const { outfile, build } = await built;
  t.is(build.status, 0, build.stderr);
  const help = spawnSync(process.execPath, [outfile, '--help'], { encoding: 'utf8' });
  t.is(help.status, 0, help.stderr);
  t.regex(help.stdout, /Usage: whohas/);
  t.regex(help.stdout, /\bget\b/);
  const scenario = spawnSync(
    process.execPath,
    [outfile, 'scenario', 'lines/crlf-lf-mixed', '--seed', '3'],
    { encoding: 'utf8' },
  );
  t.is(scenario.status, 0, scenario.stderr);
  t.regex(scenario.stdout, /lines\/crlf-lf-mixed\s+1\s+pass/);
});

test("a module's import.meta.url stays its source file's, so spawned workers are found", async (t) => {
  const { outfile, build } = await built;
  t.is(build.status, 0, build.stderr);
  // The entry and the chunks beside it (code splitting: scripts/build.mjs).
  const folder = dirname(outfile);
  const files = (await readdir(folder)).filter((name) => name.endsWith('.mjs'));
  const text = (await Promise.all(files.map((name) => readFile(join(folder, name), 'utf8')))).join(
    '\n',
  );
  // Without the rewrite, pool.ts would look for dist/worker.ts, which does not exist.
  t.regex(text, /new URL\("[./]*\/?[^"]*bench\/sweep\/pool\.ts", import\.meta\.url\)/);
  t.notRegex(text, /new URL\("\.\/worker\.ts", import\.meta\.url\)/);
});
