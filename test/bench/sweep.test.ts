import test from 'ava';
import { mergeCsv, parseCsv, readRows, toCsv } from '../../bench/sweep/csv.ts';
import { runPoints } from '../../bench/sweep/pool.ts';
import { runSweep } from '../../bench/sweep/run.ts';
import {
  expandMatrix,
  parseShard,
  type SweepSpec,
  seedsFrom,
  shardPoints,
  unsweptDefaults,
} from '../../bench/sweep/spec.ts';
import { isWhohasError } from '../../impl/errors.ts';

const spec = (overrides: Partial<SweepSpec> = {}): SweepSpec => ({
  transport: 'sim',
  engine: 'peer',
  profiles: ['lan'],
  windows: [1, 8],
  packetSizes: [1024],
  sizes: [120_000],
  losses: [0, 0.05],
  seeds: seedsFrom(7, 2),
  ...unsweptDefaults(),
  ...overrides,
});

test('the matrix is the cartesian product, numbered in nesting order', (t) => {
  const points = expandMatrix(spec({ packetSizes: [1024, 2048], repeat: 2 }));
  t.is(points.length, 2 * 2 * 2 * 2 * 2);
  t.deepEqual(
    points.map((p) => p.index),
    points.map((_, i) => i),
  );
  // Innermost: repeat, then seed, then window; outermost of these: packet size.
  t.deepEqual(
    points.slice(0, 5).map((p) => [p.packetSize, p.loss, p.window, p.seed, p.repeat]),
    [
      [1024, 0, 1, 7, 1],
      [1024, 0, 1, 7, 2],
      [1024, 0, 1, 8, 1],
      [1024, 0, 1, 8, 2],
      [1024, 0, 8, 7, 1],
    ],
  );
});

test('ARQ schemes are swept like the window, just outside it, and each row names its scheme', async (t) => {
  const points = expandMatrix(spec({ schemes: ['gbn', 'sr'], losses: [0.05], seeds: [7] }));
  t.deepEqual(
    points.map((p) => [p.arq, p.window]),
    [
      ['gbn', 1],
      ['gbn', 8],
      ['sr', 1],
      ['sr', 8],
    ],
  );
  const rows = readRows(toCsv(await runPoints(points, { workers: 0 })));
  t.deepEqual(
    rows.map((row) => row.arq),
    ['gbn', 'gbn', 'sr', 'sr'],
  );
  t.true(rows.every((row) => row.status === 'ok' && Number(row.retransmits) > 0));
});

test('shards partition the matrix', (t) => {
  const points = expandMatrix(spec());
  const shards = [1, 2, 3].map((index) => shardPoints(points, { index, count: 3 }));
  const seen = shards
    .flat()
    .map((p) => p.index)
    .sort((a, b) => a - b);
  t.deepEqual(
    seen,
    points.map((p) => p.index),
  );
  t.true(shards.every((shard) => shard.length >= 2));
});

test('bad shards are refused', (t) => {
  for (const text of ['0/2', '3/2', '1/0', 'a/b', '1']) {
    t.true(
      isWhohasError(
        t.throws(() => parseShard(text)),
        'BAD_ARGUMENT',
      ),
      text,
    );
  }
  t.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
});

test('a simulated sweep writes the same bytes with 1 or 2 workers, and its shards merge back', async (t) => {
  const points = expandMatrix(spec());
  const one = toCsv(await runPoints(points, { workers: 1 }));
  const two = toCsv(await runPoints(points, { workers: 2 }));
  t.is(two, one);
  const rows = readRows(one);
  t.is(rows.length, 8);
  // Every transfer went through and moved the whole file; loss shows up as retransmissions.
  t.true(rows.every((row) => row.status === 'ok' && Number(row.throughput_Bps) > 0));
  t.true(rows.filter((row) => row.loss === '0.05').every((row) => Number(row.retransmits) > 0));
  t.true(rows.filter((row) => row.loss === '0').every((row) => row.retransmits === '0'));
  t.true(rows.every((row) => Number(row.model_Bps) > 0));
  const shards = await Promise.all(
    [1, 2].map(async (index) => ({
      name: `shard-${index}.csv`,
      text: toCsv(await runPoints(shardPoints(points, { index, count: 2 }), { workers: 0 })),
    })),
  );
  const merged = mergeCsv([shards[1], shards[0]]);
  t.is(merged.csv, one);
  t.deepEqual(merged.missing, []);
});

test('merge refuses overlapping shards and reports missing rows', (t) => {
  const header = 'index,x\n';
  const error = t.throws(() =>
    mergeCsv([
      { name: 'a.csv', text: `${header}0,a\n1,b\n` },
      { name: 'b.csv', text: `${header}1,c\n` },
    ]),
  );
  t.true(isWhohasError(error, 'BAD_ARGUMENT'));
  t.regex(error.message, /row 1 is in both a\.csv and b\.csv/);
  const gap = mergeCsv([{ name: 'a.csv', text: `${header}3,d\n0,a\n` }]);
  t.deepEqual(gap.missing, [1, 2]);
  t.is(gap.csv, `${header}0,a\n3,d\n`);
  t.throws(
    () =>
      mergeCsv([
        { name: 'a.csv', text: header },
        { name: 'b.csv', text: 'index,y\n' },
      ]),
    {
      message: /columns differ/,
    },
  );
});

test('the CSV reader undoes csv-stringify quoting', (t) => {
  const parsed = parseCsv('a,b,c\r\n"x, y","say ""hi""",\n1,2,3');
  t.deepEqual(parsed.header, ['a', 'b', 'c']);
  t.deepEqual(parsed.records, [
    ['x, y', 'say "hi"', ''],
    ['1', '2', '3'],
  ]);
});

test('bad settings are refused before any transfer starts', async (t) => {
  for (const overrides of [{ profiles: ['mars'] }, { packetSizes: [10] }, { windows: [70_000] }]) {
    const error = await t.throwsAsync(runSweep(spec(overrides), { progress: false, workers: 0 }));
    t.true(isWhohasError(error), JSON.stringify(overrides));
  }
});
