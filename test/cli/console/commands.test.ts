import test from 'ava';
import {
  COMMANDS,
  completer,
  helpLines,
  parseCommand,
  rawLocalTypo,
} from '../../../cli/console/commands.ts';

const parses = test.macro({
  exec(t, line: string, expected: { name: string; args: string[] }) {
    t.like(parseCommand(line), { ok: true, ...expected });
  },
  title: (_title, line: string) => `${line} parses`,
});

test(parses, '/msg danis hi you there', { name: 'msg', args: ['danis', 'hi you there'] });
test(parses, '/all hello', { name: 'all', args: ['hello'] });
test(parses, '/get eswar notes.txt', { name: 'get', args: ['eswar', 'notes.txt'] });
test(parses, '/setwindow 32', { name: 'window', args: ['32'] });
test(parses, '/WINDOW 8', { name: 'window', args: ['8'] });
test(parses, '/arq sr', { name: 'arq', args: ['sr'] });
test(parses, '/help', { name: 'help', args: [] });
test(parses, '/help get', { name: 'help', args: ['get'] });
test(parses, '/getsharestatus', { name: 'status', args: [] });

// Each refusal happens before anything is sent, and says what to type instead.
const refused = test.macro({
  exec(t, line: string, message: RegExp) {
    const parsed = parseCommand(line);
    t.false(parsed.ok);
    if (!parsed.ok) t.regex(parsed.message, message);
  },
  title: (_title, line: string) => `${line} is refused locally`,
});

test(refused, '/setwindw 32', /^unknown command \/setwindw; did you mean \/setwindow\?/);
test(refused, '/wisper eko hi', /^unknown command \/wisper; \/help lists them$/);
test(refused, '/window', /^usage: \/window <N>$/);
test(refused, '/window 32 64', /^usage: \/window <N>$/);
test(refused, '/window 0', /^\/window: .*window/);
test(refused, '/window lots', /^\/window: window "lots" is not a number$/);
test(refused, '/arq tcp', /^\/arq: arq must be one of gbn, sr/);
test(refused, '/share ../etc/passwd', /^\/share: /);
test(refused, '/get eswar', /^usage: \/get <user> <file>$/);
test(refused, '/msg danis', /^usage: \/msg <user> <text\.\.\.>$/);
test(refused, '/quit now', /^usage: \/quit$/);

const rawTypo = test.macro({
  exec(t, line: string, expected: string | undefined) {
    t.is(rawLocalTypo(line), expected);
  },
  title: (_title, line: string) => `raw line ${line}`,
});

test(rawTypo, '@me|setwindw|32', 'unknown local command setwindw; did you mean @me|setwindow?');
test(rawTypo, '@me|setwindow|32', undefined);
test(rawTypo, '@me|a note to myself', undefined);
test(rawTypo, '@all|setwindw', undefined);

test('every command has a help line, and /help <command> names its aliases', (t) => {
  t.is(helpLines().length, COMMANDS.length + 1);
  t.deepEqual(helpLines('window'), [
    '/window <N>: Go-Back-N window of your downloads (also /setwindow)',
  ]);
  t.regex(helpLines('windw')[0], /did you mean \/window\?/);
});

test('tab completes command names, then user names where a command takes one', (t) => {
  const complete = completer(() => ['eswar', 'eko', 'danis']);
  t.deepEqual(complete('/comm'), [['/commands'], '/comm']);
  t.deepEqual(complete('/sh')[0], ['/share', '/shareall', '/sharenone']);
  t.deepEqual(complete('/msg e'), [['eswar', 'eko'], 'e']);
  t.deepEqual(complete('/get da'), [['danis'], 'da']);
  t.deepEqual(complete('plain text'), [[], 'plain text']);
  t.is(complete('/')[0].length, COMMANDS.length + COMMANDS.flatMap((c) => c.aliases).length);
});
