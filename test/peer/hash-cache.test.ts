/**
 * The owner's hash cache: a file sent once goes out next time with its SHA-256 in START (a first
 * send hashes while sending and puts it in FIN: no pre-pass of ~0.9 s per GB before the first
 * packet), and a file that changed is hashed again, so the receiver's verification still holds.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import test from 'ava';
import { decodePacket, type StartPacket } from '../../impl/arq/codec.ts';
import { START_FLAGS } from '../../impl/arq/file-digest.ts';
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
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

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

test('every upload reads the file once; the hash of the whohas answer goes in START', async (t) => {
  const size = 200_000;
  const first = patternBytes(size, 3);
  const world = await buildWorld({
    t,
    seed: 29,
    peers: [{ name: 'eswar', files: { a: first } }, 'eko'],
  });
  const owner = world.host('eswar').platform;
  // Every byte the owner reads, through its file system.
  const openRead = owner.fs.openRead;
  let bytesRead = 0;
  owner.fs.openRead = async (path) => {
    const opened = await openRead(path);
    return {
      ...opened,
      read: async (position, length) => {
        const chunk = await opened.read(position, length);
        bytesRead += chunk.length;
        return chunk;
      },
    };
  };
  // Every START the owner sends.
  const starts: StartPacket[] = [];
  const createSocket = owner.dgram.createSocket;
  owner.dgram.createSocket = () => {
    const socket = createSocket();
    const send = socket.send.bind(socket);
    socket.send = (msg, port, address, callback) => {
      const packet = decodePacket(Buffer.from(msg));
      if (packet.kind === 'start') starts.push(packet);
      send(msg, port, address, callback);
    };
    return socket;
  };
  const eswar = world.peer('eswar');
  const eko = world.peer('eko');
  const download = async () => {
    bytesRead = 0;
    starts.length = 0;
    const ended = once(eswar, 'transfer-end');
    const result = await world.run(eko.getFile('eswar', 'a'));
    await world.run(ended);
    const start = starts[0]!;
    const hashInStart = (start.flags & START_FLAGS.HASH_IN_FIN) === 0;
    return { data: world.host('eko').files.read(result.path), read: bytesRead, start, hashInStart };
  };

  // The first whohas answer hashes the file (one read) to name its content; the upload reads it
  // once more and announces that hash in START: no pre-pass within the upload.
  const firstSend = await download();
  t.true(firstSend.data.equals(first));
  t.is(firstSend.read, 2 * size, 'one read to answer whohas by content, one to send');
  t.true(firstSend.hashInStart);
  t.true(firstSend.start.sha256.equals(sha256(first)));
  const again = await download();
  t.true(again.data.equals(first));
  t.is(again.read, size, 'the answer and START take the cached hash: only the send reads');
  t.true(again.hashInStart, 'the cached hash goes in START');
  t.true(again.start.sha256.equals(sha256(first)));

  const changed = patternBytes(size, 4);
  world.host('eswar').files.write(`${world.folderOf('eswar')}/a`, changed);
  const third = await download();
  t.true(third.data.equals(changed), 'the new contents, verified against their own hash');
  t.is(third.read, 2 * size, 'a changed file is hashed again');
  t.true(third.start.sha256.equals(sha256(changed)), 'never the old hash');
  await world.close();
});
