import { createHash } from 'node:crypto';
import { once } from 'node:events';
import test from 'ava';
import { isWhohasError, type WhohasError } from '../../impl/errors.ts';
import type { TransferInfo } from '../../impl/peer/index.ts';
import { DEFAULT_CHUNK_BYTES, hashContent } from '../../impl/peer/merkle.ts';
import { bufferReader } from '../../impl/peer/upload-source.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MB = 1024 * 1024;
const hashOf = (data: Uint8Array) =>
  hashContent(bufferReader(Buffer.from(data)), DEFAULT_CHUNK_BYTES);

test('whohas is answered only by sharers, and getfile moves several MB byte-identically', async (t) => {
  const data = patternBytes(5 * MB + 17, 1);
  const world = await buildWorld({
    t,
    seed: 7,
    peers: [
      { name: 'eswar', files: { text: data } },
      { name: 'danis', files: { text: data }, options: { share: false } },
      { name: 'arjun', files: { other: 'x' } },
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('text'));
  // The answer names the content too: the owner hashed its file before answering.
  t.deepEqual(responders, [
    {
      user: 'eswar',
      file: 'text',
      size: data.length,
      address: world.host('eswar').address,
      sha256: createHash('sha256').update(data).digest('hex'),
      tree: { chunkBytes: DEFAULT_CHUNK_BYTES, root: (await hashOf(data)).root.toString('hex') },
    },
  ]);
  const result = await world.run(eko.getFile(responders, 'text'));
  t.is(result.path, `${world.folderOf('eko')}/text`);
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(result.stats.bytes, data.length);
  t.is(result.from.user, 'eswar');
  t.deepEqual(result.failures, []);
  t.deepEqual(world.listFiles('eko'), ['text']);
  await world.close();
});

test('getfile by user name asks that owner first; a second copy never overwrites the first', async (t) => {
  const data = patternBytes(100_000, 2);
  const world = await buildWorld({
    t,
    seed: 3,
    peers: [{ name: 'eswar', files: { 'a.bin': data } }, 'eko'],
  });
  const eko = world.peer('eko');
  const first = await world.run(eko.getFile('eswar', 'a.bin'));
  const second = await world.run(eko.getFile('eswar', 'a.bin', { window: 1, packetSize: 512 }));
  t.is(first.path, `${world.folderOf('eko')}/a.bin`);
  t.is(second.path, `${world.folderOf('eko')}/a (1).bin`);
  t.true(world.host('eko').files.read(second.path).equals(data));
  const missing = await t.throwsAsync(world.run(eko.getFile('eswar', 'nothing')));
  t.true(isWhohasError(missing, 'NOT_FOUND'), missing?.message);
  const self = await t.throwsAsync(world.run(eko.getFile('EKO', 'a.bin')));
  t.true(isWhohasError(self, 'BAD_ARGUMENT'), self?.message);
  const stranger = await t.throwsAsync(world.run(eko.getFile('nobody', 'a.bin')));
  t.true(isWhohasError(stranger, 'PEER_GONE'), stranger?.message);
  await world.close();
});

test('an empty file and a file of exactly one packet arrive intact', async (t) => {
  const packetSize = 256;
  const world = await buildWorld({
    t,
    seed: 4,
    peers: [{ name: 'eswar', files: { empty: '', one: patternBytes(packetSize - 16, 4) } }, 'eko'],
    peerDefaults: { packetSize },
  });
  const eko = world.peer('eko');
  for (const file of ['empty', 'one']) {
    const result = await world.run(eko.getFile('eswar', file));
    t.true(
      world
        .host('eko')
        .files.read(result.path)
        .equals(world.host('eswar').files.read(`${world.folderOf('eswar')}/${file}`)),
    );
  }
  await world.close();
});

test('a request past the upload cap is refused with SLOTS_FULL and the requester falls back', async (t) => {
  const data = patternBytes(2 * MB, 5);
  const world = await buildWorld({
    t,
    seed: 11,
    peers: [
      { name: 'eswar', files: { text: data }, options: { parallel: 1 } },
      { name: 'danis', files: { text: data } },
      'arjun',
      'eko',
    ],
  });
  const eswar = world.peer('eswar');
  const responders = await world.run(world.peer('eko').whohas('text'));
  t.deepEqual(responders.map((r) => r.user).sort(), ['danis', 'eswar']);
  const ordered = [...responders].sort((a) => (a.user === 'eswar' ? -1 : 1));
  // arjun takes eswar's only slot; eko asks while that upload runs.
  const busy = world.run(once(eswar, 'transfer-start'));
  const arjunDownload = world.peer('arjun').getFile('eswar', 'text');
  await busy;
  t.is(eswar.uploads.length, 1);
  const result = await world.run(world.peer('eko').getFile(ordered, 'text'));
  t.is(result.from.user, 'danis');
  t.is(result.failures.length, 1);
  t.is(result.failures[0].user, 'eswar');
  t.is(result.failures[0].error.code, 'SLOTS_FULL');
  t.regex(result.failures[0].error.message, /eswar refused text: all 1 upload slots are busy/);
  t.true(world.host('eko').files.read(result.path).equals(data));
  const arjun = await world.run(arjunDownload);
  t.true(world.host('arjun').files.read(arjun.path).equals(data));
  t.is(eswar.uploads.length, 0);
  await world.close();
});

test('when every responder fails, the error names each one and why', async (t) => {
  const world = await buildWorld({
    t,
    seed: 12,
    peers: [
      { name: 'eswar', files: { text: 'abc' }, options: { parallel: 0 } },
      { name: 'danis', files: { text: 'abc' } },
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('text'));
  world.peer('danis').setShare('text', false);
  const error = (await t.throwsAsync(world.run(eko.getFile(responders, 'text')))) as WhohasError;
  t.is(error.code, 'ALL_RESPONDERS_FAILED');
  t.regex(error.message, /eswar: SLOTS_FULL/);
  t.regex(error.message, /danis: NOT_FOUND/);
  const failures = error.cause as Array<{ user: string; error: WhohasError }>;
  t.deepEqual(failures.map((f) => [f.user, f.error.code]).sort(), [
    ['danis', 'NOT_FOUND'],
    ['eswar', 'SLOTS_FULL'],
  ]);
  const none = await t.throwsAsync(world.run(eko.getFile([], 'text')));
  t.true(isWhohasError(none, 'NO_RESPONDERS'));
  t.deepEqual(world.listFiles('eko'), []);
  await world.close();
});

test('two downloads and two uploads run at once', async (t) => {
  const a = patternBytes(MB + 3, 6);
  const b = patternBytes(MB + 5, 7);
  const world = await buildWorld({
    t,
    seed: 13,
    peers: [{ name: 'eswar', files: { a, b } }, { name: 'danis', files: { b } }, 'eko', 'arjun'],
  });
  const eswar = world.peer('eswar');
  let mostUploads = 0;
  eswar.on('transfer-start', () => {
    mostUploads = Math.max(mostUploads, eswar.uploads.length);
  });
  const eko = world.peer('eko');
  let mostDownloads = 0;
  eko.on('transfer-start', (info: TransferInfo) => {
    if (info.direction === 'download')
      mostDownloads = Math.max(mostDownloads, eko.downloads.length);
  });
  const [fromA, fromB, arjunA] = await world.run(
    Promise.all([
      eko.getFile('eswar', 'a'),
      eko.getFile('danis', 'b'),
      world.peer('arjun').getFile('eswar', 'a'),
    ]),
  );
  t.true(world.host('eko').files.read(fromA.path).equals(a));
  t.true(world.host('eko').files.read(fromB.path).equals(b));
  t.true(world.host('arjun').files.read(arjunA.path).equals(a));
  t.is(mostUploads, 2);
  t.is(mostDownloads, 2);
  t.deepEqual(eko.downloads, []);
  await world.close();
});

test('when transfer-end fires, the transfer no longer holds its slot in uploads or downloads', async (t) => {
  const data = patternBytes(20_000, 5);
  const world = await buildWorld({
    t,
    seed: 17,
    peers: [{ name: 'eswar', files: { a: data } }, 'eko'],
  });
  const eswar = world.peer('eswar');
  const eko = world.peer('eko');
  const runningAtEnd: number[] = [];
  eswar.on('transfer-end', () => runningAtEnd.push(eswar.uploads.length));
  eko.on('transfer-end', () => runningAtEnd.push(eko.downloads.length));
  const uploadEnded = once(eswar, 'transfer-end');
  await world.run(eko.getFile('eswar', 'a'));
  await world.run(uploadEnded);
  t.deepEqual(runningAtEnd, [0, 0]);
  await world.close();
});
