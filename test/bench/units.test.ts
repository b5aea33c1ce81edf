import test from 'ava';
import {
  type Parse,
  parseCount,
  parseDuration,
  parseList,
  parseNumber,
  parseProbability,
  parseRate,
  parseSize,
} from '../../bench/units.ts';
import { isWhohasError } from '../../impl/errors.ts';

const parses = test.macro({
  exec: (t, parse: Parse, text: string, expected: number) => {
    t.is(parse(text), expected);
  },
  title: (_title, parse: Parse, text: string, expected: number) =>
    `${parse.name}('${text}') = ${expected}`,
});

const rejects = test.macro({
  exec: (t, parse: Parse, text: string) => {
    const error = t.throws(() => parse(text));
    t.true(isWhohasError(error, 'BAD_ARGUMENT'));
    t.true(error.message.includes(`'${text}'`));
  },
  title: (_title, parse: Parse, text: string) => `${parse.name}('${text}') is rejected`,
});

/** Each parser: the texts it reads (with their values), then the texts it must refuse. */
const cases: Array<[Parse, Array<[string, number]>, string[]]> = [
  [
    parseSize,
    [
      ['2048', 2048],
      ['21.76MB', 21_760_000],
      ['512k', 512_000],
      ['512kB', 512_000],
      ['64KiB', 65_536],
      ['1GiB', 1_073_741_824],
      ['180MB', 180_000_000],
      ['0', 0],
    ],
    ['1.5B', '12 parsecs', ''],
  ],
  [
    parseRate,
    [
      ['100Mbit', 1e8],
      ['1Gbit', 1e9],
      ['10Mbps', 1e7],
      ['125MB/s', 1e9],
      ['1e9', 1e9],
    ],
    ['fast'],
  ],
  [
    parseDuration,
    [
      ['10ms', 10],
      ['1.5s', 1500],
      ['250us', 0.25],
      ['7', 7],
    ],
    ['10 minutes'],
  ],
  [
    parseProbability,
    [
      ['1%', 0.01],
      ['0.05', 0.05],
      ['0', 0],
    ],
    ['150%'],
  ],
  [parseCount, [['16', 16]], ['0', '1.5']],
  [parseNumber, [['2.5', 2.5]], []],
];
for (const [parse, accepted, refused] of cases) {
  for (const [text, expected] of accepted) test(parses, parse, text, expected);
  for (const text of refused) test(rejects, parse, text);
}

const lists = test.macro({
  exec: (t, text: string, parse: Parse, expected: number[]) => {
    t.deepEqual(parseList(text, parse), expected);
  },
  title: (_title, text: string) => `list '${text}'`,
});

const listCases: Array<[string, Parse, number[]]> = [
  ['1,2,4', parseCount, [1, 2, 4]],
  ['1..256', parseCount, [1, 2, 4, 8, 16, 32, 64, 128, 256]],
  ['1..100', parseCount, [1, 2, 4, 8, 16, 32, 64]],
  ['1..256x4', parseCount, [1, 4, 16, 64, 256]],
  ['0..100+25', parseNumber, [0, 25, 50, 75, 100]],
  ['1..8,100,4', parseCount, [1, 2, 4, 8, 100]],
  ['0,1%,5%', parseProbability, [0, 0.01, 0.05]],
  ['0..0.3+0.1', parseProbability, [0, 0.1, 0.2, 0.3]],
  ['1k..4k', parseSize, [1000, 2000, 4000]],
  ['1ms..4ms', parseDuration, [1, 2, 4]],
  ['16', parseCount, [16]],
  // Additive steps carry the endpoints' unit (the README's own example).
  ['0..10%+2%', parseProbability, [0, 0.02, 0.04, 0.06, 0.08, 0.1]],
  ['10ms..50ms+10ms', parseDuration, [10, 20, 30, 40, 50]],
  ['1MB..3MB+1MB', parseSize, [1e6, 2e6, 3e6]],
];
for (const [text, parse, expected] of listCases) test(lists, text, parse, expected);

const badLists = test.macro({
  exec: (t, text: string) => {
    t.true(
      isWhohasError(
        t.throws(() => parseList(text, parseNumber)),
        'BAD_ARGUMENT',
      ),
    );
  },
  title: (_title, text: string) => `list '${text}' is rejected`,
});
for (const text of ['1,,2', '8..1', '0..8', '1..8x1', '0..8+0', '1..1e9+1']) test(badLists, text);

// A step in the wrong unit is refused, not read as something else: '+2' is a loss of 200 %, and
// before steps took units this silently ran the one point 0.
test('a loss range with a bare step is refused', (t) => {
  t.true(
    isWhohasError(
      t.throws(() => parseList('0..10%+2', parseProbability)),
      'BAD_ARGUMENT',
    ),
  );
});
