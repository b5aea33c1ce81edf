/**
 * Several sources (impl/peer/multi-source.ts): chunks of one content from several owners at
 * once, each checked against the tree as it lands; a lying owner is dropped and reported, a
 * vanished one's chunks move to the others, every owner's upload slots hold.
 */
import test from 'ava';
import { lyingDisk } from '../../harness/disk-faults.ts';
import type { Peer } from '../../impl/peer/peer.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const CHUNK = 64 * 1024;
const data = patternBytes(20 * CHUNK + 1234, 5);
const owners = ['ann', 'bob', 'cat', 'dan'];

async function swarm(t: import('ava').ExecutionContext, seed: number, files = owners) {
  return buildWorld({
    t,
    seed,
    peers: [
      ...files.map((name) => ({ name, files: { big: data }, options: { chunkBytes: CHUNK } })),
      'eko',
    ],
  });
}

test('four owners each deliver some of the chunks, and the file is byte-identical', async (t) => {
  const world = await swarm(t, 3);
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  t.is(responders.length, 4);
  const result = await world.run(eko.getFile(responders, 'big', { sources: 4 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(result.sources.length, 4);
  for (const source of result.sources) t.true(source.chunks >= 1, `${source.user} sent a chunk`);
  t.is(
    result.sources.reduce((sum, source) => sum + source.bytes, 0),
    data.length,
    'no chunk fetched twice',
  );
  t.is(result.resumedBytes, 0);
  t.deepEqual(world.listFiles('eko'), ['big'], 'no chunk or tree left behind');
  await world.close();
});

test('--sources 1 fetches every chunk from the first owner only', async (t) => {
  const world = await swarm(t, 4);
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.deepEqual(
    result.sources.map((s) => [s.user, s.chunks]),
    [[responders[0].user, 21]],
  );
  t.true(world.host('eko').files.read(result.path).equals(data));
  await world.close();
});

test('an owner whose chunks do not match the tree is dropped and reported; the others finish', async (t) => {
  // bob's disk lies after its first read: it announces the true tree, then sends other bytes.
  const world = await buildWorld({
    t,
    seed: 5,
    peers: [
      ...owners.map((name) => ({
        name,
        files: { big: data },
        options: { chunkBytes: CHUNK, ...(name === 'bob' ? { fault: lyingDisk } : {}) },
      })),
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 4 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  const bob = result.sources.find((s) => s.user === 'bob')!;
  t.is(bob.chunks, 0, 'nothing of bob kept');
  t.deepEqual(
    result.failures.map((f) => [f.user, f.error.code]),
    [['bob', 'BAD_CHUNK']],
    'bob dropped at its first bad chunk',
  );
  t.deepEqual(world.listFiles('eko'), ['big']);
  await world.close();
});

test('an owner that leaves mid-download has its chunks fetched from the others', async (t) => {
  const world = await swarm(t, 6, ['ann', 'bob']);
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const getting = eko.getFile(responders, 'big', { sources: 2 });
  const bob: Peer = world.peer('bob');
  eko.once('transfer-start', () => void bob.close());
  const result = await world.run(getting);
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(
    result.sources.find((s) => s.user === 'ann')!.bytes +
      result.sources.find((s) => s.user === 'bob')!.bytes,
    data.length,
  );
  t.true(result.failures.some((f) => f.user === 'bob'));
  t.deepEqual(world.listFiles('eko'), ['big']);
  await world.close();
});

test("an owner's upload slots hold: a busy owner refuses SLOTS_FULL and both downloads finish", async (t) => {
  // ann has one slot; eko (from ann and bob) and carol (from ann) ask for chunks at once.
  const world = await buildWorld({
    t,
    seed: 8,
    peers: [
      { name: 'ann', files: { big: data }, options: { chunkBytes: CHUNK, parallel: 1 } },
      { name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } },
      'eko',
      'carol',
    ],
  });
  const [eko, carol] = [world.peer('eko'), world.peer('carol')];
  const responders = await world.run(eko.whohas('big'));
  const annOnly = responders.filter((r) => r.user === 'ann');
  const [mine, theirs] = await world.run(
    Promise.all([
      eko.getFile(responders, 'big', { sources: 2 }),
      carol.getFile(annOnly, 'big', { sources: 1 }),
    ]),
  );
  t.true(world.host('eko').files.read(mine.path).equals(data));
  t.true(world.host('carol').files.read(theirs.path).equals(data));
  const refusals = [...mine.failures, ...theirs.failures].filter(
    (f) => f.error.code === 'SLOTS_FULL',
  );
  t.true(refusals.length >= 1, 'ann refused instead of taking a second upload');
  await world.close();
});
