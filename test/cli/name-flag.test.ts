/**
 * --name is checked when `get` or `peer` runs (cli/name-flag.ts), no longer by commander while
 * parsing (the name rules need the homoglyph tables, which `--help` should not load): a bad name
 * is still refused before anything connects, with the rule it breaks.
 */
import test from 'ava';
import { InvalidArgumentError } from 'commander';
import { checkNameFlag } from '../../cli/name-flag.ts';

test('a name the chat refuses is refused, naming the flag', (t) => {
  const error = t.throws(() => checkNameFlag('bad name'), { instanceOf: InvalidArgumentError });
  t.regex(error?.message ?? '', /^--name: "bad name" is not a valid name: /);
});

test('a valid name and a missing one (asked for at the console) pass', (t) => {
  t.notThrows(() => checkNameFlag('alice'));
  t.notThrows(() => checkNameFlag(undefined));
});
