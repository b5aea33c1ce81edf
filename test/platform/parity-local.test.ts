/**
 * Parity suite, the host-local parts: clock, randomness and the file store, run once per
 * platform fixture.
 */
import { basename, dirname, join } from 'node:path';
import type { FileSystem, TimerHandle } from '../../impl/platform/types.ts';
import { parityTests, patternBytes } from '../helpers/platforms.ts';

async function names(fs: FileSystem, dir: string): Promise<string[]> {
  return (await fs.list(dir)).map((entry) => entry.name);
}

parityTests({
  'timers fire in deadline order, ties in set order; clearTimeout cancels': async (t, world) => {
    const { clock } = world.a;
    const fired: string[] = [];
    const start = clock.now();
    let cancelledFromCallback: TimerHandle | undefined;
    const last = new Promise<void>((resolve) =>
      clock.setTimeout(() => {
        fired.push('30');
        resolve();
      }, 30),
    );
    clock.setTimeout(() => fired.push('20'), 20);
    clock.setTimeout(() => {
      fired.push('10 first');
      clock.clearTimeout(cancelledFromCallback);
    }, 10);
    clock.setTimeout(() => fired.push('10 second'), 10);
    clock.clearTimeout(clock.setTimeout(() => fired.push('15 cancelled'), 15));
    cancelledFromCallback = clock.setTimeout(() => fired.push('25 cancelled'), 25);
    clock.clearTimeout(undefined);
    await last;
    t.deepEqual(fired, ['10 first', '10 second', '20', '30']);
    // Node's timer clock has whole-millisecond resolution, so allow one millisecond early.
    t.true(clock.now() - start >= 29);
  },

  'defer runs after the current code, in order; a callback deferred by one runs after the rest':
    async (t, world) => {
      const { clock } = world.a;
      const ran: string[] = [];
      const done = new Promise<void>((resolve) => {
        clock.defer(() => {
          ran.push('first');
          clock.defer(() => {
            ran.push('deferred by first');
            resolve();
          });
        });
        clock.defer(() => ran.push('second'));
      });
      ran.push('current code');
      await done;
      t.deepEqual(ran, ['current code', 'first', 'second', 'deferred by first']);
    },

  'randomness stays in its ranges': async (t, world) => {
    const { random } = world.a;
    const ints = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = random.next();
      t.true(x >= 0 && x < 1);
      ints.add(random.int(1, 3));
    }
    t.deepEqual([...ints].sort(), [1, 2, 3]);
    t.is(random.int(7, 7), 7);
    t.is(random.bytes(33).length, 33);
  },

  'files: list sorted by name with kinds, stat sizes, errors by code': async (t, world) => {
    const { fs } = world.a;
    const dir = join(world.tmpDir, 'share');
    await fs.mkdir(join(dir, 'sub', 'deep'));
    await fs.mkdir(join(dir, 'sub'));
    await fs.writeFile(join(dir, 'b.txt'), Buffer.from('abc'));
    await fs.writeFile(join(dir, 'a.bin'), patternBytes(1000));
    await fs.writeFile(join(dir, 'Z'), Buffer.alloc(0));
    t.deepEqual(await fs.list(dir), [
      { name: 'Z', kind: 'file' },
      { name: 'a.bin', kind: 'file' },
      { name: 'b.txt', kind: 'file' },
      { name: 'sub', kind: 'directory' },
    ]);
    t.deepEqual(await fs.stat(join(dir, 'a.bin')), { kind: 'file', size: 1000 });
    t.deepEqual(await fs.lstat(join(dir, 'Z')), { kind: 'file', size: 0 });
    t.is((await fs.stat(join(dir, 'sub'))).kind, 'directory');
    await fs.writeFile(join(dir, 'b.txt'), Buffer.from('replaced'));
    t.is((await fs.readFile(join(dir, 'b.txt'))).toString(), 'replaced');
    await t.throwsAsync(fs.stat(join(dir, 'missing')), { code: 'ENOENT' });
    await t.throwsAsync(fs.list(join(dir, 'missing')), { code: 'ENOENT' });
    await t.throwsAsync(fs.list(join(dir, 'b.txt')), { code: 'ENOTDIR' });
    await t.throwsAsync(fs.readFile(join(dir, 'missing')), { code: 'ENOENT' });
    await fs.remove(join(dir, 'b.txt'));
    await t.throwsAsync(fs.remove(join(dir, 'b.txt')), { code: 'ENOENT' });
    await t.throwsAsync(fs.remove(join(dir, 'sub')), { code: 'ENOTEMPTY' });
    await fs.remove(join(dir, 'sub', 'deep'));
    t.deepEqual(await fs.list(join(dir, 'sub')), []);
    t.deepEqual(await names(fs, dir), ['Z', 'a.bin', 'sub']);
  },

  'files: openRead reads at any position, short only at the end': async (t, world) => {
    const { fs } = world.a;
    const file = join(world.tmpDir, 'data.bin');
    const content = patternBytes(100_000, 3);
    await fs.writeFile(file, content);
    const reader = await fs.openRead(file);
    t.is(reader.size, content.length);
    t.true((await reader.read(0, 10)).equals(content.subarray(0, 10)));
    t.true((await reader.read(65_000, 2048)).equals(content.subarray(65_000, 67_048)));
    t.true((await reader.read(99_990, 100)).equals(content.subarray(99_990)));
    t.is((await reader.read(100_000, 10)).length, 0);
    t.true((await reader.read(5, 10)).equals(content.subarray(5, 15)), 'reads are positional');
    await reader.close();
    await t.throwsAsync(reader.read(0, 10), { code: 'EBADF' });
    await t.throwsAsync(fs.openRead(join(world.tmpDir, 'missing')), { code: 'ENOENT' });
    await t.throwsAsync(fs.openRead(world.tmpDir), { code: 'EISDIR' });
  },

  'files: createTemp writes under a hidden name, commit moves it into place': async (t, world) => {
    const { fs } = world.a;
    const dir = world.tmpDir;
    const writer = await fs.createTemp(dir, 'report.pdf');
    t.is(dirname(writer.tempPath), dir);
    const tempName = basename(writer.tempPath);
    t.true(tempName.startsWith('.'), `hidden temp name: ${tempName}`);
    const content = patternBytes(50_000, 4);
    await writer.write(content.subarray(0, 20_000));
    await writer.write(content.subarray(20_000));
    t.is(writer.bytesWritten, content.length);
    t.deepEqual(await names(fs, dir), [tempName], 'nothing under the final name yet');
    await writer.commit(join(dir, 'report.pdf'));
    t.deepEqual(await names(fs, dir), ['report.pdf']);
    t.true((await fs.readFile(join(dir, 'report.pdf'))).equals(content));
    await writer.abort();
    t.deepEqual(await names(fs, dir), ['report.pdf'], 'abort after commit keeps the file');
  },

  'files: commit never overwrites; abort leaves nothing behind': async (t, world) => {
    const { fs } = world.a;
    const dir = world.tmpDir;
    const existing = join(dir, 'song.ogg');
    await fs.writeFile(existing, Buffer.from('the original'));
    const writer = await fs.createTemp(dir, 'song.ogg');
    await writer.write(Buffer.from('a newcomer'));
    await t.throwsAsync(writer.commit(existing), { code: 'EEXIST' });
    t.is((await fs.readFile(existing)).toString(), 'the original');
    t.is((await fs.readFile(writer.tempPath)).toString(), 'a newcomer', 'temp kept for a retry');
    await writer.commit(join(dir, 'song (1).ogg'));
    t.is((await fs.readFile(join(dir, 'song (1).ogg'))).toString(), 'a newcomer');

    const dropped = await fs.createTemp(dir, '../../etc/passwd');
    t.is(dirname(dropped.tempPath), dir, 'the hint cannot leave the folder');
    await dropped.write(patternBytes(10_000));
    await dropped.abort();
    await dropped.abort();
    const unwritten = await fs.createTemp(dir, 'never');
    await unwritten.abort();
    t.deepEqual(await names(fs, dir), ['song (1).ogg', 'song.ogg']);
  },

  'files: openUpdate writes in place at any position; move never overwrites': async (t, world) => {
    const { fs } = world.a;
    const dir = world.tmpDir;
    const file = join(dir, 'data.part');
    await fs.writeFile(file, Buffer.from('abcdef'));
    const updater = await fs.openUpdate(file);
    await updater.write(2, Buffer.from('XY'));
    await updater.write(8, Buffer.from('Z')); // past the end: the gap reads as zeros
    await updater.close();
    await t.throwsAsync(updater.write(0, Buffer.from('x')), { code: 'EBADF' });
    t.true((await fs.readFile(file)).equals(Buffer.from('abXYef\0\0Z')));
    await t.throwsAsync(fs.openUpdate(join(dir, 'missing')), { code: 'ENOENT' });
    await fs.writeFile(join(dir, 'taken'), Buffer.from('keep'));
    await t.throwsAsync(fs.move(file, join(dir, 'taken')), { code: 'EEXIST' });
    t.is((await fs.readFile(join(dir, 'taken'))).toString(), 'keep', 'never overwritten');
    await fs.move(file, join(dir, 'final'));
    t.deepEqual(await names(fs, dir), ['final', 'taken']);
  },

  'files: realpath resolves symlinks': async (t, world) => {
    const { fs } = world.a;
    const dir = await fs.realpath(world.tmpDir);
    await fs.mkdir(join(dir, 'real'));
    await fs.writeFile(join(dir, 'real', 'file'), Buffer.from('x'));
    t.is(await fs.realpath(join(dir, 'real', '..', 'real', 'file')), join(dir, 'real', 'file'));
    if (world.symlink === undefined) {
      t.log('this fixture cannot make symlinks: skipping the symlink half');
      return;
    }
    await world.symlink(join(dir, 'real'), join(dir, 'link'));
    t.is(await fs.realpath(join(dir, 'link', 'file')), join(dir, 'real', 'file'));
    t.is((await fs.lstat(join(dir, 'link'))).kind, 'symlink');
    t.is((await fs.stat(join(dir, 'link'))).kind, 'directory');
    t.deepEqual(await fs.list(dir), [
      { name: 'link', kind: 'symlink' },
      { name: 'real', kind: 'directory' },
    ]);
  },
});
