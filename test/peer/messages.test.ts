import test from 'ava';
import {
  type BadRequest,
  encodeFileMessage,
  type FileMessage,
  parseFileMessage,
  refusalFor,
} from '../../impl/peer/messages.ts';
import { parseUserLine } from '../../impl/peer/user-line.ts';

const roundTrip = test.macro({
  exec(t, message: FileMessage, text: string) {
    t.is(encodeFileMessage(message), text);
    t.deepEqual(parseFileMessage(text), message);
  },
  title: (_title, _message: FileMessage, text: string) => `"${text}" round-trips`,
});

test(roundTrip, { kind: 'whohas', file: 'text' }, 'whohas|text');
test(
  roundTrip,
  { kind: 'have', file: 'a b.txt', size: 21_760_000, address: '10.0.0.2' },
  'have|a b.txt|21760000|10.0.0.2',
);
test(
  roundTrip,
  {
    kind: 'getfile',
    file: 'text',
    address: '127.0.0.1',
    port: 40453,
    transferId: 4_294_967_295,
    window: 32,
    packetSize: 2048,
    arq: 'gbn',
  },
  'getfile|text|127.0.0.1|40453|4294967295|32|2048',
);
test(
  roundTrip,
  {
    kind: 'getfile',
    file: 'text',
    address: '127.0.0.1',
    port: 40453,
    transferId: 7,
    window: 64,
    packetSize: 2048,
    arq: 'sr',
  },
  'getfile|text|127.0.0.1|40453|7|64|2048|sr',
);
test(
  roundTrip,
  { kind: 'sending', file: 'text', transferId: 7, size: 0, port: 48181 },
  'sending|text|7|0|48181',
);
test(
  roundTrip,
  { kind: 'delivered', file: 'text', transferId: 4_294_967_295 },
  'delivered|text|4294967295',
);
test(
  roundTrip,
  {
    kind: 'refused',
    file: 'text',
    transferId: 9,
    code: 'SLOTS_FULL',
    reason: 'all 1 upload slots are busy',
  },
  'refused|text|9|SLOTS_FULL|all 1 upload slots are busy',
);
test(
  roundTrip,
  { kind: 'refused', file: 'text', transferId: undefined, code: 'BAD_ARGUMENT', reason: 'a|b' },
  'refused|text|-|BAD_ARGUMENT|a|b',
);

test('a refusal reason never breaks the line', (t) => {
  const text = encodeFileMessage({
    kind: 'refused',
    file: 'x',
    transferId: 1,
    code: 'IO_ERROR',
    reason: 'a\r\nb',
  });
  t.is(text, 'refused|x|1|IO_ERROR|a b');
});

const ordinary = test.macro({
  exec(t, text: string) {
    t.is(parseFileMessage(text), undefined);
  },
  title: (_title, text: string) => `"${text}" is ordinary chat, not a file message`,
});

for (const text of [
  'hello',
  'ME',
  'whohas',
  'whohas|',
  'whohas|a|b',
  'whohas|../x',
  'have|text|12',
  'have|text|-1|10.0.0.1',
  'have|text|1e3|10.0.0.1',
  'have|text|12|',
  'sending|text|1|2',
  'sending|text|x|2|3',
  'sending|text|1|2|0',
  'refused|text|1|lowercase|why',
  'refused|text|1|CODE',
  'refused|text|99999999999|CODE|why',
  'delivered|text',
  'delivered|text|x',
  'delivered|text|1|2',
  'delivered|text|99999999999',
]) {
  test(ordinary, text);
}

const badRequest = test.macro({
  exec(t, text: string, code: string, pattern: RegExp) {
    const parsed = parseFileMessage(text) as BadRequest;
    t.is(parsed?.kind, 'bad-request');
    t.is(parsed.code, code as BadRequest['code']);
    t.regex(parsed.reason, pattern);
  },
  title: (_title, text: string, code: string) => `"${text}" is refused with ${code}`,
});

test(
  badRequest,
  'getfile|text',
  'BAD_ARGUMENT',
  /missing: address, port, transferId, window, packetSize/,
);
test(badRequest, 'getfile', 'BAD_ARGUMENT', /missing: file, address/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|2048|sr|extra', 'BAD_ARGUMENT', /too many fields/);
test(
  badRequest,
  'getfile|text|1.2.3.4|5|6|7|2048|tcp',
  'UNSUPPORTED_ARQ',
  /arq must be one of gbn, sr/,
);
test('the 2016-era seven-field getfile still parses, as Go-Back-N', (t) => {
  t.like(parseFileMessage('getfile|text|1.2.3.4|5|6|7|2048'), { kind: 'getfile', arq: 'gbn' });
});
test(badRequest, 'getfile|../x|1.2.3.4|5|6|7|2048', 'BAD_FILENAME', /leave the share folder/);
test(badRequest, 'getfile|/etc/passwd|1.2.3.4|5|6|7|2048', 'BAD_FILENAME', /absolute path/);
test(badRequest, 'getfile|text|1.2.3.4|0|6|7|2048', 'BAD_ARGUMENT', /port/);
test(badRequest, 'getfile|text|1.2.3.4|5|x|7|2048', 'BAD_ARGUMENT', /transfer id/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|0|2048', 'BAD_WINDOW', /window/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|65536|2048', 'BAD_WINDOW', /window/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|big', 'BAD_PACKET_SIZE', /not a number/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|20', 'BAD_PACKET_SIZE', /packet size/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|65508', 'BAD_PACKET_SIZE', /packet size/);
test(badRequest, 'getfile|text|a b|5|6|7|2048', 'BAD_ARGUMENT', /address/);

test('a refusal for a bare 2016 getfile carries no transfer id and says what is missing', (t) => {
  const bad = parseFileMessage('getfile|text') as BadRequest;
  t.is(
    encodeFileMessage(refusalFor(bad)).split('|').slice(0, 4).join('|'),
    'refused|text|-|BAD_ARGUMENT',
  );
});

test('a refusal echoes a name with control characters made visible', (t) => {
  const bad = parseFileMessage('getfile|a\u0000b|1.2.3.4|5|6|7|2048') as BadRequest;
  t.is(bad.code, 'BAD_FILENAME');
  t.is(bad.file, 'a\\x00b');
});

const userLine = test.macro({
  exec(t, line: string, expected: ReturnType<typeof parseUserLine>) {
    t.deepEqual(parseUserLine(line), expected);
  },
  title: (_title, line: string) => `user line "${line}"`,
});

test(userLine, '#eswar|whohas|text', { from: 'eswar', message: { kind: 'whohas', file: 'text' } });
// The form a connection gets for private messages after @server|direct_tag (the console asks).
test(userLine, 'DIRECT|eswar|whohas|text', {
  from: 'eswar',
  message: { kind: 'whohas', file: 'text' },
});
test(userLine, '#eko|hello', { from: 'eko', message: undefined });
test(userLine, '#me|whohas|text', undefined);
test(userLine, 'DIRECT|server|whohas|text', undefined);
test(userLine, 'DIRECT||whohas|text', undefined);
test(userLine, 'OK|whohas|text', undefined);

// Content fields (docs/PROTOCOL.md, "Content and chunks"): optional key=value fields at the end.
const HASH = 'ab'.repeat(32);
const ROOT = 'cd'.repeat(32);
test(
  roundTrip,
  {
    kind: 'have',
    file: 'text',
    size: 5,
    address: '10.0.0.2',
    sha256: HASH,
    tree: { chunkBytes: 1_048_576, root: ROOT },
  },
  `have|text|5|10.0.0.2|sha256=${HASH}|tree=1048576:${ROOT}`,
);
test(
  roundTrip,
  {
    kind: 'getfile',
    file: 'text',
    address: '127.0.0.1',
    port: 4,
    transferId: 7,
    window: 16,
    packetSize: 2048,
    arq: 'gbn',
    sha256: HASH,
    range: { offset: 1_048_576, length: 1_048_576 },
  },
  `getfile|text|127.0.0.1|4|7|16|2048|gbn|sha256=${HASH}|range=1048576+1048576`,
);
test(
  roundTrip,
  {
    kind: 'getfile',
    file: 'text',
    address: '127.0.0.1',
    port: 4,
    transferId: 7,
    window: 16,
    packetSize: 2048,
    arq: 'sr',
    sha256: HASH,
    part: 'tree',
  },
  `getfile|text|127.0.0.1|4|7|16|2048|sr|sha256=${HASH}|part=tree`,
);

const haveReads = test.macro({
  exec(t, text: string, expected: unknown) {
    t.deepEqual(parseFileMessage(text), expected);
  },
  title: (_t, text: string) => `"${text.slice(0, 60)}" reads as expected`,
});
const plain = { kind: 'have', file: 'text', size: 5, address: '10.0.0.2' };
// Why: an answer from an older peer names no content; it still counts as a responder.
test(haveReads, 'have|text|5|10.0.0.2', plain);
// Why: a malformed hash is dropped, not trusted; the answer stays an answer.
test(haveReads, 'have|text|5|10.0.0.2|sha256=xyz', plain);
// Why: fields this build does not know are for later builds: ignored.
test(haveReads, `have|text|5|10.0.0.2|sha256=${HASH}|colour=blue`, { ...plain, sha256: HASH });
test(haveReads, 'have|text|5|10.0.0.2|nonsense', undefined);
test(haveReads, `have|text|5|10.0.0.2|tree=1024:${ROOT}`, plain);

test(badRequest, 'getfile|text|1.2.3.4|5|6|7|2048|gbn|sha256=12', 'BAD_ARGUMENT', /sha256=/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|2048|gbn|range=5+0', 'BAD_ARGUMENT', /range=/);
test(badRequest, 'getfile|text|1.2.3.4|5|6|7|2048|gbn|part=head', 'BAD_ARGUMENT', /part=/);
test(
  badRequest,
  'getfile|text|1.2.3.4|5|6|7|2048|gbn|range=0+1|range=0+2',
  'BAD_ARGUMENT',
  /given twice/,
);
test('key=value fields may follow the seven-field getfile directly (Go-Back-N)', (t) => {
  t.like(parseFileMessage(`getfile|text|1.2.3.4|5|6|7|2048|sha256=${HASH}`), {
    kind: 'getfile',
    arq: 'gbn',
    sha256: HASH,
  });
});
