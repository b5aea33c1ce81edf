import test from 'ava';
import {
  answerOf,
  errorLine,
  isReservedUsername,
  listLine,
  nameProblem,
  parseMessage,
  passwordProblem,
} from '../../impl/chat/wire.ts';

test('parseMessage splits at the first bar only', (t) => {
  t.deepEqual(parseMessage('@eko|getfile|text|1'), {
    ok: true,
    target: 'eko',
    text: 'getfile|text|1',
  });
  t.like(parseMessage('eko|hi'), { ok: false, code: 'BAD_FORMAT' });
  t.like(parseMessage('@eko'), { ok: false, code: 'BAD_FORMAT' });
  t.like(parseMessage('@|hi'), { ok: false, code: 'BAD_FORMAT' });
  t.like(parseMessage('@eko|'), { ok: false, code: 'EMPTY_MESSAGE' });
});

const nameCases: [string, boolean][] = [
  ['eko', true],
  ['a'.repeat(32), true],
  ['😀'.repeat(32), true],
  ['', false],
  ['a'.repeat(33), false],
  ['a b', false],
  ['a\u00a0b', false],
  ['a|b', false],
  ['a@b', false],
  ['#a', false],
  ['a\u0007', false],
];
const shown = (text: string) =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);

for (const [name, ok] of nameCases) {
  test(`name ${shown(name)} is ${ok ? 'fine' : 'malformed'}`, (t) => {
    t.is(nameProblem(name) === undefined, ok);
  });
}

test('reserved usernames, any case', (t) => {
  for (const name of ['server', 'ALL', 'Me', 'root']) t.true(isReservedUsername(name));
  t.false(isReservedUsername('servers'));
});

test('passwords may hold spaces but not bars or controls', (t) => {
  t.is(passwordProblem('hunter 2'), undefined);
  t.not(passwordProblem('a|b'), undefined);
  t.not(passwordProblem('a\tb'), undefined);
  t.not(passwordProblem('x'.repeat(65)), undefined);
});

test('server lines: human texts never add fields', (t) => {
  t.is(errorLine('BAD_NAME', 'no | here\nplease'), 'ERROR|BAD_NAME|no   here please');
  t.is(listLine('ROOMS', []), 'ROOMS');
  t.is(listLine('PEERS', ['a', 'b']), 'PEERS|a|b');
  t.is(answerOf(' \t yes \t'), 'yes');
});
