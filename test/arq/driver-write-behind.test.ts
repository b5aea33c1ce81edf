import test from 'ava';
import { WriteBehind } from '../../impl/arq/driver-write-behind.ts';
import type { FileWriter } from '../../impl/platform/types.ts';

/** A writer whose writes complete only when the test says so: a disk as slow as we like. */
function slowWriter() {
  const written: Buffer[] = [];
  const waiting: (() => void)[] = [];
  const writer: FileWriter = {
    tempPath: '/tmp/x.part',
    get bytesWritten() {
      return written.reduce((sum, chunk) => sum + chunk.length, 0);
    },
    write(data) {
      written.push(Buffer.from(data));
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    commit: async () => {},
    abort: async () => {},
  };
  const completeOne = async () => {
    waiting.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    writer,
    written,
    completeOne,
    get inWrite() {
      return waiting.length;
    },
  };
}

test('a slow disk: the room falls to 0 but nothing is refused, and it grows back as writes land', async (t) => {
  const disk = slowWriter();
  let writes = 0;
  const sink = new WriteBehind({
    chunkBytes: 100,
    limitBytes: 200,
    expectedBytes: 1_000,
    onWritten: () => writes++,
    onError: (error) => t.fail(String(error)),
  });
  sink.attach(disk.writer);
  const data = Buffer.from(Array.from({ length: 1_000 }, (_, i) => i % 251));
  for (let at = 0; at < 350; at += 50) sink.store(data.subarray(at, at + 50));
  t.is(sink.stored, 350, 'every byte was taken');
  t.is(sink.room, 0, 'past the soft limit the room is 0');
  t.is(disk.inWrite, 1, 'one write at a time');
  await disk.completeOne();
  t.is(writes, 1);
  t.is(sink.room, 0, '250 bytes still pending');
  await disk.completeOne();
  t.is(sink.room, 50);
  for (let at = 350; at < 1_000; at += 50) sink.store(data.subarray(at, at + 50));
  let finished = false;
  sink.finish(() => {
    finished = true;
  });
  while (!finished && disk.inWrite > 0) await disk.completeOne();
  t.true(finished, 'finish() reports once everything is on file');
  t.true(Buffer.concat(disk.written).equals(data), 'the file is the bytes stored, in order');
  t.is(sink.room, 200);
});

test('views stored are copied: the datagram buffer may be reused at once', async (t) => {
  const disk = slowWriter();
  const sink = new WriteBehind({
    chunkBytes: 8,
    limitBytes: 64,
    expectedBytes: 4,
    onWritten: () => {},
    onError: (error) => t.fail(String(error)),
  });
  const datagram = Buffer.from('abcd');
  sink.store(datagram);
  datagram.fill(0);
  sink.attach(disk.writer);
  let finished = false;
  sink.finish(() => {
    finished = true;
  });
  await disk.completeOne();
  t.is(Buffer.concat(disk.written).toString(), 'abcd');
  t.true(finished);
});
