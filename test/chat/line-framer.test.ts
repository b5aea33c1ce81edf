import test from 'ava';
import { decodeLine, type Frame, LineFramer, type RawFrame } from '../../impl/chat/line-framer.ts';

const LIMIT = 8;

const decoded = (frame: RawFrame): Frame =>
  frame.kind === 'raw' ? decodeLine(frame.bytes) : frame;

function feed(chunks: Buffer[], limit = LIMIT): Frame[] {
  const framer = new LineFramer(limit);
  return chunks.flatMap((chunk) => framer.push(chunk).map(decoded));
}

const line = (text: string): Frame => ({ kind: 'line', text });
const tooLong: Frame = { kind: 'too-long' };

interface Fixture {
  bytes: Buffer;
  frames: Frame[];
}

const fixtures: Record<string, Fixture> = {
  'lines ending in \\n and \\r\\n': {
    bytes: Buffer.from('eswar\ncreate\r\nroom\n'),
    frames: [line('eswar'), line('create'), line('room')],
  },
  'empty lines are lines': {
    bytes: Buffer.from('\n\r\na\n'),
    frames: [line(''), line(''), line('a')],
  },
  'an unfinished last line is held back': {
    bytes: Buffer.from('@all|hi\n@all|un'),
    frames: [line('@all|hi')],
  },
  'a line of exactly the limit, with \\n or \\r\\n': {
    bytes: Buffer.from('12345678\n12345678\r\nx\n'),
    frames: [line('12345678'), line('12345678'), line('x')],
  },
  'an oversize line is reported once and its rest discarded': {
    bytes: Buffer.from('123456789abcdefghij\nok\n'),
    frames: [tooLong, line('ok')],
  },
  'an oversize line by one byte before \\r\\n': {
    bytes: Buffer.from('123456789\r\nok\n'),
    frames: [tooLong, line('ok')],
  },
  'an oversize unfinished line is reported before its end arrives': {
    bytes: Buffer.from('a\n123456789abc'),
    frames: [line('a'), tooLong],
  },
  'multi-byte UTF-8 survives any split': {
    bytes: Buffer.from('héllo\n€😀\n'),
    frames: [line('héllo'), line('€😀')],
  },
  'invalid UTF-8': {
    bytes: Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x0a, 0x6f, 0x6b, 0x0a]),
    frames: [
      { kind: 'bad-encoding', reason: 'utf8' },
      { kind: 'bad-encoding', reason: 'utf8' },
      line('ok'),
    ],
  },
  'NUL, control characters, a lone \\r, C1 controls; tabs are fine': {
    bytes: Buffer.from('a\0b\nc\x1bd\ne\rf\n\u0085\nx\ty\n'),
    frames: [
      { kind: 'bad-encoding', reason: 'nul' },
      { kind: 'bad-encoding', reason: 'control' },
      { kind: 'bad-encoding', reason: 'control' },
      { kind: 'bad-encoding', reason: 'control' },
      line('x\ty'),
    ],
  },
};

const everySplit = test.macro({
  exec(t, fixture: Fixture) {
    const { bytes, frames } = fixture;
    t.deepEqual(feed([bytes]), frames, 'in one chunk');
    for (let i = 0; i <= bytes.length; i++) {
      const two = [bytes.subarray(0, i), bytes.subarray(i)];
      t.deepEqual(feed(two), frames, `split at ${i}`);
      for (let j = i; j <= bytes.length; j++) {
        const three = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
        t.deepEqual(feed(three), frames, `split at ${i} and ${j}`);
      }
    }
    const single = [...bytes].map((byte) => Buffer.from([byte]));
    t.deepEqual(feed(single), frames, 'byte by byte');
  },
  title: (name = '') => `framing at every split point: ${name}`,
});

for (const [name, fixture] of Object.entries(fixtures)) test(name, everySplit, fixture);

test('memory held for an endless line stays bounded by the limit', (t) => {
  const framer = new LineFramer(LIMIT);
  const frames: Frame[] = [];
  for (let i = 0; i < 1000; i++) {
    frames.push(...framer.push(Buffer.from('0123456789')).map(decoded));
    t.true(framer.pendingBytes <= LIMIT + 1);
  }
  t.deepEqual(frames, [tooLong]);
  t.deepEqual(framer.push(Buffer.from('\nback\n')).map(decoded), [line('back')]);
});

test('reset() forgets an unfinished line', (t) => {
  const framer = new LineFramer(LIMIT);
  t.deepEqual(framer.push(Buffer.from('half')), []);
  framer.reset();
  t.deepEqual(framer.push(Buffer.from('new\n')).map(decoded), [line('new')]);
});

test('the limit must be a positive integer', (t) => {
  t.throws(() => new LineFramer(0), { instanceOf: RangeError });
  t.throws(() => new LineFramer(1.5), { instanceOf: RangeError });
});

/** Pushes `writes` in order, calling flush() after each (the quiet time passed after every write). */
const flushedAfterEach = test.macro({
  exec(t, writes: string[], expected: Frame[]) {
    const framer = new LineFramer(LIMIT);
    const frames = writes.flatMap((write) => [
      ...framer.push(Buffer.from(write)).map(decoded),
      ...framer.flush().map(decoded),
    ]);
    t.deepEqual(frames, expected);
  },
  title: (name = '') => `flush() (the 2016 client's quiet time): ${name}`,
});

test(
  'each unterminated write is one line',
  flushedAfterEach,
  ['eswar', 'create'],
  [line('eswar'), line('create')],
);
test('nothing held, nothing taken', flushedAfterEach, [''], []);
test(
  'an unterminated oversize write is refused once; the next one is a line',
  flushedAfterEach,
  ['0123456789', 'room'],
  [tooLong, line('room')],
);
test(
  'after a newline, silence never ends a line',
  flushedAfterEach,
  ['a\n', 'cre', 'ate\n'],
  [line('a'), line('create')],
);
test('a trailing \\r is dropped as from \\r\\n', flushedAfterEach, ['no\r'], [line('no')]);
