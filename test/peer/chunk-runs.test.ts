/**
 * Runs of chunks (impl/peer/chunk-runs.ts): how a chunked download chooses the chunks of its
 * next request, and, on the simulator, what runs buy: far fewer getfile lines than chunks, and a
 * download no longer capped by the request pace (15 lines/s) as it was with one chunk a line.
 */
import test from 'ava';
import {
  chooseRun,
  nextRunLength,
  type Run,
  runCap,
  runRange,
} from '../../impl/peer/chunk-runs.ts';
import { REQUEST_BURST, REQUESTS_PER_SECOND } from '../../impl/peer/request-pace.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MIB = 1024 * 1024;

const choose = test.macro({
  exec(
    t,
    given: { count: number; held?: number[]; busy?: number[]; length: number; sources?: number },
    expected: Run | undefined,
  ) {
    const busy = new Set(given.busy ?? []);
    const run = chooseRun({
      count: given.count,
      held: new Set(given.held ?? []),
      busy: (index) => busy.has(index),
      length: given.length,
      sources: given.sources ?? 1,
    });
    t.deepEqual(run, expected);
  },
  title: (what = '') => `chooseRun: ${what}`,
});

test('a run as long as asked', choose, { count: 10, length: 4 }, { first: 0, count: 4 });
test(
  'starts at the first free chunk',
  choose,
  { count: 10, held: [0, 1], busy: [2], length: 2 },
  {
    first: 3,
    count: 2,
  },
);
test(
  'stops at a chunk another owner fetches',
  choose,
  { count: 10, busy: [3], length: 8 },
  {
    first: 0,
    count: 3,
  },
);
test('stops at a held chunk', choose, { count: 10, held: [2], length: 8 }, { first: 0, count: 2 });
test(
  'stops at the end of the file',
  choose,
  { count: 10, held: [0, 1, 2, 3, 4, 5, 6], length: 8 },
  {
    first: 7,
    count: 3,
  },
);
// 4 owners and 10 free chunks: no owner takes more than 3, so a slow one holds little.
test(
  'no more than the fair share',
  choose,
  { count: 10, length: 8, sources: 4 },
  {
    first: 0,
    count: 3,
  },
);
test(
  'at least one chunk, whatever the share',
  choose,
  { count: 10, held: [0, 1, 2, 3, 4, 5, 6, 7, 8], length: 8, sources: 4 },
  {
    first: 9,
    count: 1,
  },
);
test(
  'nothing when every chunk is held or fetched',
  choose,
  { count: 3, held: [0], busy: [1, 2], length: 4 },
  undefined,
);

test('a run length doubles after a whole run, up to the cap, and is 1 after a failure', (t) => {
  const cap = runCap(MIB, 64 * MIB);
  t.is(cap, 64);
  t.deepEqual(
    [1, 2, 32, 64].map((length) => nextRunLength(length, true, cap)),
    [2, 4, 64, 64],
  );
  t.is(nextRunLength(32, false, cap), 1);
  t.is(runCap(64 * MIB, MIB), 1, 'a chunk larger than the cap still goes, alone');
});

test('the byte range of a run ends at the end of the file', (t) => {
  t.deepEqual(runRange(10 * MIB + 5, MIB, { first: 2, count: 3 }), {
    offset: 2 * MIB,
    length: 3 * MIB,
  });
  t.deepEqual(runRange(10 * MIB + 5, MIB, { first: 8, count: 3 }), {
    offset: 8 * MIB,
    length: 2 * MIB + 5,
  });
});

const SIZE = 64 * MIB;
const data = patternBytes(SIZE, 3);
const CHUNKS = SIZE / MIB;

/** A 64 MiB get from one owner (1 MiB chunks): virtual seconds, lines the server took, getfiles. */
async function singleOwnerGet(t: import('ava').ExecutionContext, maxRunBytes: number) {
  const world = await buildWorld({
    t,
    seed: 1,
    peers: [{ name: 'ann', files: { big: data } }, 'eko'],
  });
  const [ann, eko] = [world.peer('ann'), world.peer('eko')];
  const responders = await world.run(eko.whohas('big'));
  let uploads = 0;
  ann.on('transfer-start', (info) => {
    if (info.direction === 'upload') uploads++;
  });
  const [lines, at] = [world.server.stats.linesIn, world.sim.now];
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1, maxRunBytes }));
  const seconds = (world.sim.now - at) / 1000;
  t.true(world.host('eko').files.read(result.path).equals(data), 'byte-identical');
  t.deepEqual(world.listFiles('eko'), ['big'], 'no chunk, run or tree left behind');
  const linesIn = world.server.stats.linesIn - lines;
  await world.close();
  return { seconds, linesIn, uploads, mibPerSecond: SIZE / MIB / seconds };
}

test('a 64 MiB get from one owner: 8 getfile lines for 64 chunks, and not capped by the request pace', async (t) => {
  // Premise: one chunk per getfile line (the old behaviour) cannot beat the pace: the chunks
  // past the first burst go at 15 a second, whatever the link does.
  const single = await singleOwnerGet(t, MIB);
  const paceBound = CHUNKS / ((CHUNKS - REQUEST_BURST) / REQUESTS_PER_SECOND);
  t.is(single.uploads, 1 + CHUNKS, 'the tree, then one getfile per chunk');
  t.true(single.linesIn >= CHUNKS, `the server took ${single.linesIn} lines`);
  t.true(single.mibPerSecond <= paceBound, `${single.mibPerSecond} MiB/s ≤ ${paceBound}`);

  const runs = await singleOwnerGet(t, 64 * MIB);
  // The tree, then runs of 1, 2, 4, 8, 16, 32 and the last chunk.
  t.is(runs.uploads, 8, 'the tree and seven runs');
  t.true(runs.linesIn < CHUNKS / 2, `the server took ${runs.linesIn} lines for ${CHUNKS} chunks`);
  t.true(
    runs.mibPerSecond > 3 * paceBound,
    `${runs.mibPerSecond.toFixed(1)} MiB/s with runs vs ${single.mibPerSecond.toFixed(1)} with one chunk a line`,
  );
  t.log(
    `virtual MiB/s: one chunk a line ${single.mibPerSecond.toFixed(1)} (${single.linesIn} lines),` +
      ` runs ${runs.mibPerSecond.toFixed(1)} (${runs.linesIn} lines)`,
  );
});
