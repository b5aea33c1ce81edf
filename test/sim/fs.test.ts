import test from 'ava';
import type { FileSystem, SystemError } from '../../impl/platform/types.ts';
import { type SimHost, Simulator } from '../../sim/index.ts';

function world(): { sim: Simulator; host: SimHost; fs: FileSystem } {
  const sim = new Simulator({ seed: 1 });
  const host = sim.addHost('h');
  host.files.write('/share/a.txt', 'alpha');
  host.files.write('/share/sub/b.txt', 'bravo!');
  host.files.write('/secret/key', 'hunter2');
  return { sim, host, fs: host.platform.fs };
}

async function codeOf(sim: Simulator, promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await sim.until(promise);
    return undefined;
  } catch (error) {
    return (error as SystemError).code;
  }
}

test('a link escaping the folder: lstat sees the link, stat and realpath see through it', async (t) => {
  const { sim, host, fs } = world();
  host.files.symlink('/secret/key', '/share/escape');
  host.files.symlink('../secret', '/share/up');
  t.deepEqual(await sim.until(fs.lstat('/share/escape')), { kind: 'symlink', size: 11 });
  t.deepEqual(await sim.until(fs.stat('/share/escape')), { kind: 'file', size: 7 });
  t.is(await sim.until(fs.realpath('/share/escape')), '/secret/key');
  t.is(await sim.until(fs.realpath('/share/up/key')), '/secret/key');
  t.is(await sim.until(fs.realpath('/share/./sub/../a.txt')), '/share/a.txt');
  t.is((await sim.until(fs.readFile('/share/up/key'))).toString(), 'hunter2');
});

test('.. after a symlink climbs from the link target, as the kernel does', async (t) => {
  const { sim, host, fs } = world();
  host.files.symlink('/secret', '/share/door');
  t.is(await sim.until(fs.realpath('/share/door/../share/a.txt')), '/share/a.txt');
  t.is(await codeOf(sim, fs.realpath('/share/door/../sub')), 'ENOENT');
});

test('list is sorted by name with kinds; errors carry Node codes', async (t) => {
  const { sim, host, fs } = world();
  host.files.symlink('a.txt', '/share/Z-link');
  t.deepEqual(await sim.until(fs.list('/share')), [
    { name: 'Z-link', kind: 'symlink' },
    { name: 'a.txt', kind: 'file' },
    { name: 'sub', kind: 'directory' },
  ]);
  t.is(await codeOf(sim, fs.list('/nope')), 'ENOENT');
  t.is(await codeOf(sim, fs.list('/share/a.txt')), 'ENOTDIR');
  t.is(await codeOf(sim, fs.readFile('/share/sub')), 'EISDIR');
  t.is(await codeOf(sim, fs.openRead('/share/missing')), 'ENOENT');
  t.is(await codeOf(sim, fs.remove('/share/sub')), 'ENOTEMPTY');
  t.is(await codeOf(sim, fs.writeFile('/no/such/dir/x', Buffer.from('x'))), 'ENOENT');
  host.files.symlink('/share/loop2', '/share/loop1');
  host.files.symlink('/share/loop1', '/share/loop2');
  t.is(await codeOf(sim, fs.stat('/share/loop1')), 'ELOOP');
});

test('createTemp → write → commit puts the file in place; commit never overwrites', async (t) => {
  const { sim, host, fs } = world();
  const writer = await sim.until(fs.createTemp('/share', 'a.txt'));
  t.true(writer.tempPath.startsWith('/share/.'));
  await sim.until(writer.write(Buffer.from('new ')));
  await sim.until(writer.write(Buffer.from('content')));
  t.is(writer.bytesWritten, 11);
  t.is(await codeOf(sim, writer.commit('/share/a.txt')), 'EEXIST');
  t.is(host.files.read('/share/a.txt').toString(), 'alpha');
  t.true(host.files.exists(writer.tempPath), 'the temp file stays for another try');
  await sim.until(writer.commit('/share/a (1).txt'));
  t.is(host.files.read('/share/a (1).txt').toString(), 'new content');
  t.false(host.files.exists(writer.tempPath));
  await sim.until(writer.abort());
  t.is(host.files.read('/share/a (1).txt').toString(), 'new content');
});

test('abort leaves nothing behind, even twice, even after a failed commit', async (t) => {
  const { sim, host, fs } = world();
  const before = host.files.list('/share');
  const writer = await sim.until(fs.createTemp('/share', '../../evil name'));
  await sim.until(writer.write(Buffer.alloc(1000)));
  t.is(await codeOf(sim, writer.commit('/share/a.txt')), 'EEXIST');
  await sim.until(writer.abort());
  await sim.until(writer.abort());
  t.deepEqual(host.files.list('/share'), before);
  t.is(await codeOf(sim, writer.write(Buffer.from('late'))), 'EBADF');
});

test('openRead reads chunks at any position, short only at the end; the open file is stable', async (t) => {
  const { sim, host, fs } = world();
  const data = Buffer.from('0123456789abcdef');
  host.files.write('/share/d.bin', data);
  const reader = await sim.until(fs.openRead('/share/d.bin'));
  t.is(reader.size, 16);
  t.deepEqual(await sim.until(reader.read(4, 4)), data.subarray(4, 8));
  host.files.write('/share/d.bin', 'replaced');
  t.deepEqual(await sim.until(reader.read(12, 10)), data.subarray(12));
  t.is((await sim.until(reader.read(16, 10))).length, 0);
  await sim.until(reader.close());
});

test('mkdir makes parents and is fine when the folder exists; remove takes files and empty folders', async (t) => {
  const { sim, host, fs } = world();
  await sim.until(fs.mkdir('/x/y/z'));
  await sim.until(fs.mkdir('/x/y'));
  t.deepEqual(await sim.until(fs.stat('/x/y/z')), { kind: 'directory', size: 4096 });
  await sim.until(fs.remove('/x/y/z'));
  await sim.until(fs.remove('/share/a.txt'));
  t.false(host.files.exists('/share/a.txt'));
  t.false(host.files.exists('/x/y/z'));
});

test('each host has its own files', async (t) => {
  const { sim, fs } = world();
  const other = sim.addHost('other');
  t.is(await codeOf(sim, other.platform.fs.readFile('/share/a.txt')), 'ENOENT');
  t.is((await sim.until(fs.readFile('/share/a.txt'))).toString(), 'alpha');
});
