import test from 'ava';
import { type ErrorCode, isWhohasError } from '../../impl/errors.ts';
import { ShareFolder } from '../../impl/peer/index.ts';
import { Simulator } from '../../sim/index.ts';

async function folderWithFixtures() {
  const sim = new Simulator({ seed: 51 });
  const host = sim.addHost('eswar');
  host.files.write('/share/text', 'hello');
  host.files.write('/share/.whohas-text-1.part', 'partial');
  host.files.write('/share/sub/inner', 'nested');
  host.files.write('/etc/passwd', 'root');
  host.files.write('/outside/secret', 'secret');
  host.files.symlink('/etc/passwd', '/share/pw');
  host.files.symlink('../outside/secret', '/share/up');
  host.files.symlink('text', '/share/alias');
  host.files.symlink('.whohas-text-1.part', '/share/to-temp');
  host.files.symlink('missing', '/share/dangling');
  const folder = new ShareFolder(host.platform.fs, '/share');
  await sim.until(folder.open());
  return { sim, folder };
}

const refused = test.macro({
  async exec(t, name: string, code: ErrorCode) {
    const { sim, folder } = await folderWithFixtures();
    const error = await t.throwsAsync(sim.until(folder.resolve(name)));
    t.true(isWhohasError(error, code), `${error?.name} ${error?.message}`);
  },
  title: (_title, name: string, code: string) => `${JSON.stringify(name)} resolves to ${code}`,
});

test(refused, '../outside/secret', 'BAD_FILENAME');
test(refused, '/etc/passwd', 'BAD_FILENAME');
test(refused, 'a/../../etc/passwd', 'BAD_FILENAME');
test(refused, 'text\u0000.txt', 'BAD_FILENAME');
test(refused, 'sub/inner', 'BAD_FILENAME');
test(refused, 'pw', 'BAD_FILENAME');
test(refused, 'up', 'BAD_FILENAME');
test(refused, '.whohas-text-1.part', 'BAD_FILENAME');
test(refused, 'to-temp', 'NOT_FOUND');
test(refused, 'dangling', 'NOT_FOUND');
test(refused, 'sub', 'NOT_FOUND');
test(refused, 'absent', 'NOT_FOUND');

test('a link that stays inside the folder resolves to its real file', async (t) => {
  const { sim, folder } = await folderWithFixtures();
  t.deepEqual(await sim.until(folder.resolve('alias')), {
    name: 'alias',
    path: '/share/text',
    size: 5,
  });
});

test('share flags: global off hides everything as NOT_SHARED, a cleared file is NOT_FOUND', async (t) => {
  const { sim, folder } = await folderWithFixtures();
  t.is((await sim.until(folder.lookupShared('text'))).size, 5);
  folder.setShared('text', false);
  t.false(folder.isShared('text'));
  t.true(isWhohasError(await t.throwsAsync(sim.until(folder.lookupShared('text'))), 'NOT_FOUND'));
  folder.setShared('text', true);
  folder.setGlobal(false);
  t.true(isWhohasError(await t.throwsAsync(sim.until(folder.lookupShared('text'))), 'NOT_SHARED'));
  t.throws(() => folder.setShared('../x', true), { message: /leave the share folder/ });
});

test('the status lists only names a request could reach', async (t) => {
  const { sim, folder } = await folderWithFixtures();
  folder.setShared('alias', false);
  t.deepEqual(await sim.until(folder.status()), {
    global: true,
    cleared: ['alias'],
    files: [
      { name: 'alias', size: 5, shared: false },
      { name: 'text', size: 5, shared: true },
    ],
  });
});

test('open creates a missing folder', async (t) => {
  const sim = new Simulator({ seed: 52 });
  const host = sim.addHost('eko');
  const folder = new ShareFolder(host.platform.fs, '/home/eko/folder');
  await sim.until(folder.open());
  t.true(host.files.exists('/home/eko/folder'));
  t.deepEqual((await sim.until(folder.status())).files, []);
});
