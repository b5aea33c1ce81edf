import { stripVTControlCharacters } from 'node:util';
import test from 'ava';
import { consoleColors } from '../../../cli/console/colors.ts';
import { DIRECT_TAG_REPLY, renderLine } from '../../../cli/console/render.ts';

const plain = consoleColors(false);

const renders = test.macro({
  exec(t, line: string, expected: string | undefined) {
    t.is(renderLine(line, plain), expected);
  },
  title: (_title, line: string) => `"${line}" as a person reads it`,
});

test(renders, 'DIRECT|eswar|hi', '[eswar → you] hi');
test(renders, '#eswar|hi', '[eswar → all] hi');
test(renders, '#eswar|a|b', '[eswar → all] a|b');
test(renders, '#me|note', '[you → you] note');
test(renders, '#server|maintenance at noon', '[server] maintenance at noon');
test(renders, 'INFO|JOINED|eko|New user eko has joined', '* eko joined');
test(renders, 'INFO|LEFT|eko|User eko has left', '* eko left');
test(renders, 'INFO|LEFT|eko|User eko disconnected', '* eko disconnected');
test(
  renders,
  'INFO|LEFT|eko|User eko was removed by the server',
  '* eko was removed by the server',
);
test(
  renders,
  'ERROR|NO_SUCH_USER|User ghost is not in chatroom chatroom',
  'error NO_SUCH_USER: User ghost is not in chatroom chatroom',
);
test(
  renders,
  'OK|Window set to 32 for the next downloads',
  'Window set to 32 for the next downloads',
);
test(renders, 'PEERS|eswar|eko', 'in the room: eswar, eko');
test(renders, 'ROOMS|chatroom|lab', 'rooms: chatroom, lab');
test(renders, 'PASSWD|vault|private|open-sesame', 'password of vault: open-sesame');
test(renders, 'PASSWD|chatroom|public', 'chatroom is public (no password)');
test(renders, 'SHARE|notes.txt|16|shared', '  notes.txt  16 bytes  shared');
// Someone's whohas is worth a glance; the file protocol's machine lines are the peer's business.
test(renders, '#eko|whohas|text', '* eko asks who has text');
test(renders, 'DIRECT|eko|getfile|text|127.0.0.1|5000|7|16|2048', undefined);
test(renders, '#eswar|have|text|16|127.0.0.1', undefined);
test(renders, 'PING|42', undefined);
test(renders, DIRECT_TAG_REPLY, undefined);

test('colours wrap the text when on, and only then', (t) => {
  const colored = renderLine('ERROR|X|y', consoleColors(true)) ?? '';
  t.true(colored.includes('\u001b['));
  t.is(stripVTControlCharacters(colored), 'error X: y');
});
