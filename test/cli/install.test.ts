/**
 * Packaging as users expect (README, "Install"): `npm pack` makes a tarball that `npm install -g`
 * installs with a working `whohas` on the PATH, which runs its bundle (not tsx, whatever times
 * npm gave the files); from another folder `npx whohas` runs that installed copy (never the
 * unrelated `whohas` of the registry: npx runs --offline here, so a fetch would fail), and
 * `npx --prefix <clone>` runs a clone's. Dependencies come from npm's cache (`npm ci` filled it);
 * only their metadata may be asked of the registry.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import test from 'ava';

const root = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  version: string;
};
/** Each npm step: far beyond a healthy one (5 s here), bounded. */
const STEP_MS = 120_000;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: STEP_MS,
    env: { ...process.env, ...env },
  });
  const said = `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`;
  return { ...result, said };
}

test('the README says how to install with npm install -g and how to run npx from another folder', async (t) => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const install =
    /<!-- readme-snippet: run by test\/cli\/install\.test\.ts -->\n```sh\n([\s\S]*?)\n```/.exec(
      readme,
    );
  if (!install) return t.fail('no install block marked as run by this test in README.md');
  for (const command of [
    'npm pack',
    'npm install -g whohas-',
    'whohas --version',
    'npx whohas',
    'npx --prefix',
  ]) {
    t.true(install[1].includes(command), `the install block shows ${command}`);
  }
});

test('npm pack, npm install -g into a prefix, then whohas and npx whohas from another folder', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-install-'));
  try {
    const prefix = join(dir, 'prefix');
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const packed = run('npm', ['pack', '--pack-destination', dir, '--silent'], root);
    t.is(packed.status, 0, packed.said);
    const tarball = join(dir, `whohas-${version}.tgz`);
    const installed = run(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      elsewhere,
    );
    t.is(installed.status, 0, installed.said);

    const direct = run(join(prefix, 'bin', 'whohas'), ['--version'], elsewhere);
    t.is(direct.status, 0, direct.said);
    t.is(direct.stdout.trim(), version);
    t.notRegex(direct.stderr, /through tsx/, 'the installed copy runs its bundle');

    // npx from another folder finds the globally installed whohas (npm_config_prefix is where
    // `npm install -g` put it); --offline: it cannot have fetched anything from the registry.
    const npx = run('npx', ['--offline', 'whohas', '--version'], elsewhere, {
      npm_config_prefix: prefix,
    });
    t.is(npx.status, 0, npx.said);
    t.is(npx.stdout.trim(), version);

    const clone = run(
      'npx',
      ['--offline', '--prefix', root, 'whohas', 'peer', '--help'],
      elsewhere,
    );
    t.is(clone.status, 0, clone.said);
    t.regex(clone.stdout, /--serve/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
