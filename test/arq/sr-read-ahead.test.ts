import test from 'ava';
import { ReadAhead } from '../../impl/arq/sr-read-ahead.ts';

// However the driver cuts the file into chunks, the packets are the file cut every `payload`
// bytes (the last one shorter), in order, numbered from 1.
const cuts = test.macro({
  exec(t, fileSize: number, payload: number, chunkSizes: number[]) {
    const file = Buffer.from(Array.from({ length: fileSize }, (_, i) => i % 251));
    const packets: [number, string][] = [];
    const intake = new ReadAhead(fileSize, payload, (offset, bytes) =>
      packets.push([offset, Buffer.from(bytes).toString('hex')]),
    );
    let at = 0;
    for (const size of chunkSizes) {
      intake.offer(file.subarray(at, at + size));
      at += size;
    }
    const expected: [number, string][] = [];
    for (let i = 0; i * payload < fileSize; i++) {
      expected.push([i + 1, file.subarray(i * payload, (i + 1) * payload).toString('hex')]);
    }
    t.deepEqual(packets, expected);
    t.is(intake.filled, expected.length + 1);
  },
  title: (_ = '', fileSize: number, payload: number, chunkSizes: number[]) =>
    `${fileSize} bytes in chunks of ${chunkSizes.join(',')} make packets of ${payload}`,
});
test(cuts, 100, 10, [100]);
test(cuts, 100, 10, [3, 7, 15, 5, 70]);
test(cuts, 95, 10, [1, 1, 1, 92]);
test(cuts, 95, 10, [33, 0, 33, 29]);
test(cuts, 7, 10, [2, 5]);

test('more bytes than the file holds are refused', (t) => {
  const intake = new ReadAhead(5, 4, () => {});
  intake.offer(Buffer.alloc(3));
  t.throws(() => intake.offer(Buffer.alloc(3)), { instanceOf: RangeError });
});
