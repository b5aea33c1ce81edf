/**
 * The owner's hash cache: a file sent once is not read again to hash it before the next send
 * (the first-time SHA-256 pre-pass costs ~0.9 s per GB before the first packet), and a file that
 * changed is hashed again, so the receiver's verification still holds.
 */
import { once } from 'node:events';
import test from 'ava';
import { HashCache } from '../../impl/peer/hash-cache.ts';
import type { FileReader } from '../../impl/platform/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const reader = (identity: string | undefined): FileReader => ({
  size: 1,
  identity,
  read: async () => Buffer.alloc(1),
  close: async () => undefined,
});
const HASH_A = new Uint8Array(32).fill(1);

test('a stored hash is found only for the same path and the same identity', (t) => {
  const cache = new HashCache();
  cache.set('/share/a', reader('1:2:3'), HASH_A);
  t.is(cache.get('/share/a', reader('1:2:3')), HASH_A);
  t.is(cache.get('/share/b', reader('1:2:3')), undefined, 'another path');
  t.is(cache.get('/share/a', reader('1:2:4')), undefined, 'the file changed');
  t.is(cache.get('/share/a', reader('1:2:3')), undefined, 'a changed file forgets the old hash');
});

test('a reader without identity is neither stored nor served', (t) => {
  const cache = new HashCache();
  cache.set('/share/a', reader(undefined), HASH_A);
  t.is(cache.size, 0);
  cache.set('/share/a', reader('x'), HASH_A);
  t.is(cache.get('/share/a', reader(undefined)), undefined);
});

test('beyond its limit the cache drops the least recently used file', (t) => {
  const cache = new HashCache(2);
  cache.set('/a', reader('a'), HASH_A);
  cache.set('/b', reader('b'), HASH_A);
  t.is(cache.get('/a', reader('a')), HASH_A); // /a used: /b is now the oldest
  cache.set('/c', reader('c'), HASH_A);
  t.is(cache.size, 2);
  t.is(cache.get('/b', reader('b')), undefined);
  t.is(cache.get('/a', reader('a')), HASH_A);
});

test('the second upload of a file reads it once; a changed file is hashed again', async (t) => {
  const size = 200_000;
  const first = patternBytes(size, 3);
  const world = await buildWorld({
    t,
    seed: 29,
    peers: [{ name: 'eswar', files: { a: first } }, 'eko'],
  });
  // Every byte the owner reads, through its file system.
  const fs = world.host('eswar').platform.fs;
  const openRead = fs.openRead;
  let bytesRead = 0;
  fs.openRead = async (path) => {
    const opened = await openRead(path);
    return {
      ...opened,
      size: opened.size,
      identity: opened.identity,
      read: async (position, length) => {
        const chunk = await opened.read(position, length);
        bytesRead += chunk.length;
        return chunk;
      },
    };
  };
  const eswar = world.peer('eswar');
  const eko = world.peer('eko');
  const download = async () => {
    bytesRead = 0;
    const ended = once(eswar, 'transfer-end');
    const result = await world.run(eko.getFile('eswar', 'a'));
    await world.run(ended);
    return { data: world.host('eko').files.read(result.path), read: bytesRead };
  };

  const once1 = await download();
  t.true(once1.data.equals(first));
  t.is(once1.read, 2 * size, 'first send: the hash pre-pass, then the data');
  const again = await download();
  t.true(again.data.equals(first));
  t.is(again.read, size, 'second send: the data only');

  const changed = patternBytes(size, 4);
  world.host('eswar').files.write(`${world.folderOf('eswar')}/a`, changed);
  const third = await download();
  t.true(third.data.equals(changed), 'the new contents, verified against their own hash');
  t.is(third.read, 2 * size, 'a changed file is hashed again');
  await world.close();
});
