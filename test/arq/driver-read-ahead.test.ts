import test from 'ava';
import { ReadAhead } from '../../impl/arq/driver-read-ahead.ts';
import type { FileReader } from '../../impl/platform/types.ts';

function countingReader(data: Buffer) {
  const reads: { position: number; length: number }[] = [];
  const reader: FileReader = {
    size: data.length,
    read: async (position, length) => {
      reads.push({ position, length });
      return data.subarray(position, position + length);
    },
    close: async () => {},
  };
  return { reader, reads };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('reads only as far as asked: nothing before the core wants data, one chunk ahead after', async (t) => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 253));
  const { reader, reads } = countingReader(data);
  let ready = 0;
  const ahead = new ReadAhead(
    reader,
    1_000,
    () => ready++,
    (error) => t.fail(String(error)),
  );
  const taken: Buffer[] = [];
  const take = (chunk: Buffer) => taken.push(chunk);
  t.is(ahead.offer(0, take), 0);
  await tick();
  t.is(reads.length, 0, 'a core that wants nothing causes no read');
  t.is(ahead.offer(300, take), 0, 'nothing at hand yet: the read starts');
  await tick();
  t.is(ready, 1);
  t.is(ahead.offer(300, take), 300);
  t.is(ahead.offer(300, take), 300);
  await tick();
  t.deepEqual(
    reads.map((r) => r.position),
    [0, 1_000],
    'one chunk ahead, never more',
  );
  t.true(ahead.buffered <= 2 * 1_000);
  for (let round = 0; round < 100 && ahead.offered < data.length; round++) {
    ahead.offer(700, take);
    await tick();
  }
  t.true(Buffer.concat(taken).equals(data), 'every byte, in order');
  t.is(reads.length, 10, 'each byte read once');
});

test('a file that shrinks under the sender is an IO_ERROR', async (t) => {
  const { reader } = countingReader(Buffer.alloc(100));
  const shrunk: FileReader = { ...reader, read: async () => Buffer.alloc(10) };
  const errors: unknown[] = [];
  const ahead = new ReadAhead(
    shrunk,
    64,
    () => {},
    (error) => errors.push(error),
  );
  ahead.offer(64, () => {});
  await tick();
  t.is((errors[0] as { code?: string }).code, 'IO_ERROR');
});
