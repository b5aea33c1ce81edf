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

test(parses, parseSize, '2048', 2048);
test(parses, parseSize, '21.76MB', 21_760_000);
test(parses, parseSize, '512k', 512_000);
test(parses, parseSize, '512kB', 512_000);
test(parses, parseSize, '64KiB', 65_536);
test(parses, parseSize, '1GiB', 1_073_741_824);
test(parses, parseSize, '180MB', 180_000_000);
test(parses, parseSize, '0', 0);
test(rejects, parseSize, '1.5B');
test(rejects, parseSize, '12 parsecs');
test(rejects, parseSize, '');
test(parses, parseRate, '100Mbit', 1e8);
test(parses, parseRate, '1Gbit', 1e9);
test(parses, parseRate, '10Mbps', 1e7);
test(parses, parseRate, '125MB/s', 1e9);
test(parses, parseRate, '1e9', 1e9);
test(rejects, parseRate, 'fast');
test(parses, parseDuration, '10ms', 10);
test(parses, parseDuration, '1.5s', 1500);
test(parses, parseDuration, '250us', 0.25);
test(parses, parseDuration, '7', 7);
test(rejects, parseDuration, '10 minutes');
test(parses, parseProbability, '1%', 0.01);
test(parses, parseProbability, '0.05', 0.05);
test(parses, parseProbability, '0', 0);
test(rejects, parseProbability, '150%');
test(parses, parseCount, '16', 16);
test(rejects, parseCount, '0');
test(rejects, parseCount, '1.5');
test(parses, parseNumber, '2.5', 2.5);

const lists = test.macro({
  exec: (t, text: string, parse: Parse, expected: number[]) => {
    t.deepEqual(parseList(text, parse), expected);
  },
  title: (_title, text: string) => `list '${text}'`,
});

test(lists, '1,2,4', parseCount, [1, 2, 4]);
test(lists, '1..256', parseCount, [1, 2, 4, 8, 16, 32, 64, 128, 256]);
test(lists, '1..100', parseCount, [1, 2, 4, 8, 16, 32, 64]);
test(lists, '1..256x4', parseCount, [1, 4, 16, 64, 256]);
test(lists, '0..100+25', parseNumber, [0, 25, 50, 75, 100]);
test(lists, '1..8,100,4', parseCount, [1, 2, 4, 8, 100]);
test(lists, '0,1%,5%', parseProbability, [0, 0.01, 0.05]);
test(lists, '0..0.3+0.1', parseProbability, [0, 0.1, 0.2, 0.3]);
test(lists, '1k..4k', parseSize, [1000, 2000, 4000]);
test(lists, '1ms..4ms', parseDuration, [1, 2, 4]);
test(lists, '16', parseCount, [16]);

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
test(badLists, '1,,2');
test(badLists, '8..1');
test(badLists, '0..8');
test(badLists, '1..8x1');
test(badLists, '0..8+0');
test(badLists, '1..1e9+1');
