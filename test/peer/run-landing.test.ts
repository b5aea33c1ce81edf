/**
 * Landing a run of chunks (impl/peer/run-landing.ts, multi-source.ts): each chunk of a run is
 * checked against its leaf and kept on its own, so a bad chunk inside a run is refetched while
 * the run's good chunks stay; several owners still share the file; and an interruption mid-run
 * loses at most that run, never the chunks verified before it; a slow owner holds nobody back.
 */
import test from 'ava';
import { lyingDisk } from '../../harness/disk-faults.ts';
import { dataName, heldName } from '../../impl/peer/chunk-store.ts';
import { treeName } from '../../impl/peer/resume.ts';
import { runName } from '../../impl/peer/run-landing.ts';
import type { Platform } from '../../impl/platform/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const CHUNK = 64 * 1024;
const data = patternBytes(24 * CHUNK + 777, 21);
const CHUNKS = 25;

/**
 * A disk that reads true on the first open of a file (the owner hashes the true content and
 * announces it), then inverts the last byte of the first read at or past chunk 2, once: the
 * owner sends one bad chunk inside a run.
 */
function oneBadRead(platform: Platform): Platform {
  let lied = false;
  return lyingDisk(platform, (position, bytes) => {
    if (!lied && position >= 2 * CHUNK && bytes.length > 0) {
      lied = true;
      bytes[bytes.length - 1] ^= 0xff;
    }
  });
}

test('a bad chunk inside a run is refetched from another owner; the run’s good chunks are kept', async (t) => {
  const world = await buildWorld({
    t,
    seed: 31,
    peers: [
      { name: 'ann', files: { big: data }, options: { chunkBytes: CHUNK, fault: oneBadRead } },
      { name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } },
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const sizes: number[] = [];
  eko.on('transfer-end', (end) => {
    if (end.user === 'ann' && end.stats) sizes.push(end.size);
  });
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 2 }));
  t.true(world.host('eko').files.read(result.path).equals(data), 'byte-identical');
  const failures = result.failures.map((f) => [f.user, f.error.code]);
  t.deepEqual(failures, [['ann', 'BAD_CHUNK']], 'the bad chunk was seen, ann dropped');
  const ann = result.sources.find((s) => s.user === 'ann')!;
  const bob = result.sources.find((s) => s.user === 'bob')!;
  // ann's transfers: the tree, one chunk, then the run that held the bad chunk (its last).
  const badRun = sizes.at(-1)! / CHUNK;
  t.true(badRun >= 2, `the bad chunk came in a run of ${badRun} chunks`);
  t.is(ann.chunks, 1 + badRun - 1, "ann's first chunk and the run's good ones are kept");
  t.is(ann.chunks + bob.chunks, CHUNKS, 'bob fetched the rest, the bad chunk among them');
  t.is(ann.bytes + bob.bytes, data.length, 'no chunk kept twice');
  t.deepEqual(world.listFiles('eko'), ['big'], 'no chunk, run or tree left behind');
  await world.close();
});

test('four owners with runs: each delivers chunks in runs, and the file is byte-identical', async (t) => {
  const owners = ['ann', 'bob', 'cat', 'dan'];
  const world = await buildWorld({
    t,
    seed: 32,
    peers: [
      ...owners.map((name) => ({ name, files: { big: data }, options: { chunkBytes: CHUNK } })),
      'eko',
    ],
  });
  const eko = world.peer('eko');
  let requests = 0;
  eko.on('transfer-start', () => requests++);
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 4 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  for (const source of result.sources) t.true(source.chunks >= 1, `${source.user} sent a chunk`);
  t.true(requests - 1 < CHUNKS, `${requests - 1} requests for ${CHUNKS} chunks`);
  t.is(
    result.sources.reduce((sum, source) => sum + source.bytes, 0),
    data.length,
  );
  await world.close();
});

test('an owner gone mid-run: the chunks of the runs before are kept and resumed, that run is fetched again', async (t) => {
  const world = await buildWorld({
    t,
    seed: 33,
    // 10 Mbit/s: a 64 KiB chunk takes 52 ms, so progress (every 200 ms) sees a run under way.
    profile: { profile: 'lan', bandwidthBps: 10e6, delayMs: 1 },
    peers: [{ name: 'ann', files: { big: data }, options: { chunkBytes: CHUNK } }, 'eko'],
  });
  const [ann, eko] = [world.peer('ann'), world.peer('eko')];
  const responders = await world.run(eko.whohas('big'));
  // Runs of 1, 2 and 4 chunks land (7); ann leaves 2 chunks into the run of 8.
  let gone = false;
  const onProgress = (bytes: number) => {
    if (!gone && bytes >= 9 * CHUNK) {
      gone = true;
      void ann.close();
    }
  };
  const error = await world
    .run(eko.getFile(responders, 'big', { sources: 1, onProgress }))
    .catch((e) => e);
  t.true(gone, 'ann left with the run of 8 under way');
  t.is(error.code, 'ALL_RESPONDERS_FAILED');
  const content = {
    file: 'big',
    size: data.length,
    sha256: responders[0].sha256!,
    tree: responders[0].tree!,
  };
  const kept = world.listFiles('eko');
  t.deepEqual(kept.sort(), [dataName(content), heldName(content), treeName(content)].sort());
  const bitmap = world.host('eko').files.read(`${world.folderOf('eko')}/${heldName(content)}`);
  t.deepEqual(
    [...bitmap],
    [0x7f, 0, 0, 0],
    'the seven verified chunks, and nothing of the run cut short',
  );
  await world.addPeer({ name: 'bob', files: { big: data }, options: { chunkBytes: CHUNK } });
  const again = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(again, 'big', { sources: 1 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(result.resumedBytes, 7 * CHUNK);
  t.is(result.sources[0].bytes, data.length - 7 * CHUNK, 'bob sent only what was missing');
  t.deepEqual(world.listFiles('eko'), ['big']);
  await world.close();
});

/** A disk whose every read after the first open of a file takes `ms` of the clock: a slow owner. */
function slowReads(ms: number) {
  return (platform: Platform): Platform => {
    const fs = Object.create(platform.fs) as Platform['fs'];
    const opened = new Set<string>();
    fs.openRead = async (path) => {
      const reader = await platform.fs.openRead(path);
      if (!opened.has(path)) {
        opened.add(path);
        return reader;
      }
      const wait = () => new Promise<void>((resolve) => platform.clock.setTimeout(resolve, ms));
      return {
        size: reader.size,
        identity: reader.identity,
        read: async (position, length) => {
          await wait();
          return reader.read(position, length);
        },
        close: () => reader.close(),
      };
    };
    return { ...platform, fs };
  };
}

/** Virtual ms of a get from the owners given, and what each delivered. */
async function timedGet(t: import('ava').ExecutionContext, slowAnn: boolean, sources: string[]) {
  const world = await buildWorld({
    t,
    seed: 34,
    profile: { profile: 'lan', bandwidthBps: 10e6, delayMs: 1 },
    peers: [
      ...sources.map((name) => ({
        name,
        files: { big: data },
        options: {
          chunkBytes: CHUNK,
          ...(name === 'ann' && slowAnn ? { fault: slowReads(500) } : {}),
        },
      })),
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const at = world.sim.now;
  const result = await world.run(eko.getFile(responders, 'big', { sources: sources.length }));
  const ms = world.sim.now - at;
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.deepEqual(world.listFiles('eko'), ['big']);
  await world.close();
  return { ms, result };
}

test('a slow owner does not hold the download back: the fast one delivers most, no later than alone', async (t) => {
  const alone = await timedGet(t, false, ['bob']);
  const both = await timedGet(t, true, ['ann', 'bob']);
  const ann = both.result.sources.find((s) => s.user === 'ann')!;
  const bob = both.result.sources.find((s) => s.user === 'bob')!;
  t.log(
    `bob alone ${alone.ms} ms; slow ann + bob ${both.ms} ms (ann ${ann.chunks}, bob ${bob.chunks} chunks)`,
  );
  t.true(
    ann.chunks >= 1 && bob.chunks > 4 * ann.chunks,
    `bob ${bob.chunks} chunks, ann ${ann.chunks}`,
  );
  // The slow owner's small runs cost nothing: at worst its last one is copied by the fast one.
  t.true(
    both.ms <= alone.ms * 1.05,
    `${both.ms} ms with slow ann vs ${alone.ms} ms from bob alone`,
  );
});

test('a run file left by a crash before its split is split by the next get: its good chunks count as resumed', async (t) => {
  const world = await buildWorld({
    t,
    seed: 35,
    peers: [{ name: 'ann', files: { big: data }, options: { chunkBytes: CHUNK } }, 'eko'],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const content = {
    file: 'big',
    size: data.length,
    sha256: responders[0].sha256!,
    tree: responders[0].tree!,
  };
  // Chunks 3 to 6 landed as one run; chunk 5's bytes were damaged on the disk since.
  const run = Buffer.from(data.subarray(3 * CHUNK, 7 * CHUNK));
  run[2 * CHUNK + 10] ^= 1;
  world.host('eko').files.write(`${world.folderOf('eko')}/${runName(content, 3)}`, run);
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(result.resumedBytes, 3 * CHUNK, 'chunks 3, 4 and 6 kept; the damaged one fetched again');
  t.is(result.sources[0].bytes, data.length - 3 * CHUNK);
  t.deepEqual(world.listFiles('eko'), ['big'], 'the run file is gone');
  await world.close();
});
