/**
 * Look-alike names (issue "Murphy's law, proven": `server\u200b`, Cyrillic `sеrver`, fullwidth
 * `ＳＥＲＶＥＲ` and right-to-left overrides were accepted, and a victim received
 * `#server​|ERROR|KILLED|...`). Names are NFKC-normalised, refused with invisible or format
 * characters or mixed Latin/Greek/Cyrillic letters, and compared by their UTS #39 skeleton.
 */
import test from 'ava';
import { isReservedUsername, nameKey, nameProblem, normalizeName } from '../../impl/chat/names.ts';
import { onSim } from '../helpers/chat-world.ts';

const shown = (text: string) =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);

const checked = test.macro<[string, 'fine' | 'refused' | 'reserved']>({
  exec(t, raw, verdict) {
    const name = normalizeName(raw);
    const problem = nameProblem(name);
    if (verdict === 'refused') {
      t.not(problem, undefined);
      return;
    }
    t.is(problem, undefined);
    t.is(isReservedUsername(name), verdict === 'reserved');
  },
  title: (_, raw, verdict) => `name ${shown(raw)} is ${verdict}`,
});

test(checked, 'eko', 'fine');
test(checked, 'café', 'fine');
test(checked, 'Ελένη', 'fine');
test(checked, 'Иван', 'fine');
test(checked, 'tanaka山田', 'fine');
test(checked, 'server\u200b', 'refused'); // zero-width space
test(checked, 'a\u200db', 'refused'); // zero-width joiner
test(checked, '\u202erevres', 'refused'); // right-to-left override
test(checked, 'a\u2066b', 'refused'); // bidi isolate
test(checked, 's\u0435rver', 'refused'); // Latin with a Cyrillic е
test(checked, '\u03b1dmin', 'refused'); // Latin with a Greek α
test(checked, 'ＳＥＲＶＥＲ', 'reserved'); // fullwidth, NFKC folds it
test(checked, '\u041c\u0435', 'reserved'); // all-Cyrillic Ме looks like "me"
test(checked, 'r00t', 'reserved'); // digits that look like letters
test(checked, 'ALL', 'reserved');

test('names that look alike share a key; different names do not', (t) => {
  t.is(nameKey('Eko'), nameKey('eko'));
  t.is(nameKey('\u0441\u043e\u0435'), nameKey('coe')); // Cyrillic сое
  t.is(nameKey(normalizeName('ｅｋｏ')), nameKey('eko'));
  t.not(nameKey('eko'), nameKey('eka'));
});

test(
  'look-alike usernames are refused at login and never reach another user',
  onSim,
  async (t, world) => {
    const victim = await world.login('coe', 'room', { create: true });
    const mallory = await world.connect();
    await mallory.next();
    const replies = [];
    for (const name of ['server\u200b', 's\u0435rver', 'ＳＥＲＶＥＲ', '\u0441\u043e\u0435']) {
      replies.push(await mallory.ask(name));
    }
    t.deepEqual(
      replies.map((line) => line.split('|')[1]),
      ['BAD_NAME', 'BAD_NAME', 'RESERVED_NAME', 'NAME_TAKEN'],
    );
    t.is(await victim.ask('@me|alone'), '#me|alone');
  },
);

test(
  'a line or paragraph separator in a message is refused with BAD_ENCODING and not delivered',
  onSim,
  async (t, world) => {
    const alice = await world.login('alice', 'room', { create: true });
    const bob = await world.login('bob', 'room');
    await alice.next();
    for (const separator of ['\u2028', '\u2029']) {
      t.is(
        await bob.ask(`@alice|fake${separator}#server|KILLED`),
        'ERROR|BAD_ENCODING|The line contains a line or paragraph separator',
      );
    }
    t.is(await bob.ask('@me|tab\tis fine'), '#me|tab\tis fine');
    t.deepEqual(alice.unread, []);
  },
);
