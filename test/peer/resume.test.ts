/**
 * Resume (impl/peer/resume.ts): an interrupted chunked download keeps its verified chunks and
 * tree in the download folder; a later download of the same content, from the same owner or
 * another, fetches only the rest. What was kept is checked again, never trusted.
 */
import test from 'ava';
import { dataName, heldName } from '../../impl/peer/chunk-store.ts';
import { Partials } from '../../impl/peer/partials.ts';
import { type Content, treeName } from '../../impl/peer/resume.ts';
import type { TransferEnd } from '../../impl/peer/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const CHUNK = 64 * 1024;
const data = patternBytes(16 * CHUNK + 99, 9);

/**
 * ann serves until eko has `keep` chunks, then leaves; eko's download fails, chunks kept. Runs
 * grow 1, 2, 4, 8 chunks (chunk-runs.ts): `keep` is a sum of whole runs, 3 or 7.
 */
async function interrupted(t: import('ava').ExecutionContext, keep: number) {
  const world = await buildWorld({
    t,
    seed: 11,
    peers: [{ name: 'ann', files: { big: data }, options: { chunkBytes: CHUNK } }, 'eko'],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  let chunks = 0;
  const ann = world.peer('ann');
  const count = (end: TransferEnd) => {
    if (!end.stats || end.size < CHUNK) return; // the tree
    chunks += Math.floor(end.size / CHUNK);
    if (chunks === keep) void ann.close();
  };
  eko.on('transfer-end', count);
  const error = await world.run(eko.getFile(responders, 'big', { sources: 1 })).catch((e) => e);
  eko.off('transfer-end', count);
  t.is(error.code, 'ALL_RESPONDERS_FAILED');
  const content = {
    file: 'big',
    size: data.length,
    sha256: responders[0].sha256!,
    tree: responders[0].tree!,
  };
  return { world, eko, content };
}

/** The chunks the bitmap kept for resume names (each checked again by the next get). */
function heldChunks(world: Awaited<ReturnType<typeof buildWorld>>, content: Content): number[] {
  const bitmap = world.host('eko').files.read(`${world.folderOf('eko')}/${heldName(content)}`);
  const count = Math.ceil(content.size / CHUNK);
  return Array.from({ length: count }, (_, i) => i).filter((i) => (bitmap[i >> 3] >> (i & 7)) & 1);
}

test('a download interrupted after 7 chunks continues from another owner with only the rest', async (t) => {
  const { world, eko, content } = await interrupted(t, 7);
  const kept = world.listFiles('eko');
  t.true(kept.includes(treeName(content)), 'the tree is kept');
  t.true(kept.includes(dataName(content)), 'the data file is kept');
  t.deepEqual(heldChunks(world, content), [0, 1, 2, 3, 4, 5, 6], 'seven chunks are kept');
  await world.addPeer({ name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } });
  const responders = await world.run(eko.whohas('big'));
  t.deepEqual(
    responders.map((r) => r.user),
    ['bob'],
  );
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(result.resumedBytes, 7 * CHUNK);
  t.is(result.sources[0].bytes, data.length - 7 * CHUNK, 'bob sent only what was missing');
  t.deepEqual(world.listFiles('eko'), ['big'], 'the chunks and tree are gone once committed');
  await world.close();
});

test('a kept chunk whose bytes were changed is discarded and fetched again, never trusted', async (t) => {
  const { world, eko, content } = await interrupted(t, 3);
  const folder = world.folderOf('eko');
  const files = world.host('eko').files;
  const kept = `${folder}/${dataName(content)}`;
  const tampered = Buffer.from(files.read(kept));
  tampered[CHUNK + 100] ^= 1; // the second chunk
  files.write(kept, tampered);
  await world.addPeer({ name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } });
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.true(files.read(result.path).equals(data));
  t.is(result.resumedBytes, 2 * CHUNK, 'the changed chunk did not count');
  await world.close();
});

test('a kept tree that does not make the announced root is discarded with every chunk', async (t) => {
  const { world, eko, content } = await interrupted(t, 3);
  const files = world.host('eko').files;
  const tree = `${world.folderOf('eko')}/${treeName(content)}`;
  const wrong = Buffer.from(files.read(tree));
  wrong[0] ^= 1;
  files.write(tree, wrong);
  await world.addPeer({ name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } });
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.true(files.read(result.path).equals(data));
  t.is(result.resumedBytes, 0, 'chunks cannot be checked without a true tree');
  t.deepEqual(world.listFiles('eko'), ['big']);
  await world.close();
});

test('the stale sweep keeps resumable chunks until their age, and removes them after', async (t) => {
  const world = await buildWorld({ t, seed: 12, peers: ['eko'] });
  const host = world.host('eko');
  const folder = world.folderOf('eko');
  host.files.write(`${folder}/.whohas-0123456789abcdef-c3.part`, Buffer.alloc(10));
  // A writer of another host epoch is gone (crashed): its file goes at once.
  host.files.write(`${folder}/.whohas-big-7+e99.part`, Buffer.alloc(10));
  const age = 60_000;
  const early = await world.run(new Partials(host.platform.fs, age).sweep(folder));
  t.deepEqual(early, ['.whohas-big-7+e99.part']);
  await world.sim.runUntil(world.sim.now + age + 1);
  const late = await world.run(new Partials(host.platform.fs, age).sweep(folder));
  t.deepEqual(late, ['.whohas-0123456789abcdef-c3.part']);
  await world.close();
});
