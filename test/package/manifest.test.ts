/**
 * What users get from the package: `--version` from package.json, required options marked in
 * `--help`, and a tarball (`files`) that carries the program but not the test suite.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const whohas = (args: string[]) =>
  run(process.execPath, ['--import=tsx', join(root, 'cli/main.ts'), ...args], { cwd: root });

test('whohas --version prints the version in package.json', async (t) => {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const { stdout } = await whohas(['--version']);
  t.is(stdout.trim(), manifest.version);
});

const marksRequired = test.macro(async (t, command: string, option: string) => {
  const { stdout } = await whohas([command, '--help']);
  const line = stdout.split('\n').find((text) => text.trimStart().startsWith(option));
  t.regex(line ?? '', /\(required\)$/, `${command} --help: ${option}`);
});
test('peer --help: --name required with --serve or --raw, asked for otherwise', async (t) => {
  const { stdout } = await whohas(['peer', '--help']);
  t.regex(
    stdout,
    /--name <NAME>\s+your username in the chat \(required with --serve or\s+--raw; asked for otherwise\)/,
  );
});
test('get --help marks --name required', marksRequired, 'get', '--name');
test('get --help marks --room required', marksRequired, 'get', '--room');

test('npm pack ships the program and not the tests', async (t) => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
  });
  const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  const paths = packed.files.map((file) => file.path);
  t.deepEqual(
    paths.filter((path) => path.startsWith('test/')),
    [],
  );
  for (const needed of [
    'bin/whohas.js',
    'dissector/whohas.lua',
    'cli/main.ts',
    'impl/errors.ts',
    'package.json',
    'README.md',
  ]) {
    t.true(paths.includes(needed), needed);
  }
});
