/** The chunk tree (impl/peer/merkle.ts): RFC 6962-style SHA-256 leaves and nodes over chunks. */
import { createHash } from 'node:crypto';
import test from 'ava';
import {
  chunkCount,
  chunkRange,
  hashContent,
  leafHash,
  merkleRoot,
  packLeaves,
  unpackLeaves,
} from '../../impl/peer/merkle.ts';
import { bufferReader } from '../../impl/peer/upload-source.ts';

const sha = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

test('a leaf is SHA-256 of 0x00 and the chunk, so it never equals a node or the plain hash', (t) => {
  const chunk = Buffer.from('abc');
  t.deepEqual(leafHash(chunk), sha(Buffer.of(0), chunk));
  t.notDeepEqual(leafHash(chunk), sha(chunk));
});

const roots = test.macro({
  exec(t, leaves: number, expected: (l: Buffer[]) => Buffer) {
    const list = Array.from({ length: leaves }, (_, i) => leafHash(Buffer.of(i)));
    t.deepEqual(merkleRoot(list), expected(list));
  },
  title: (_t, leaves: number) =>
    `the root of ${leaves} leaves pairs left to right, an odd one carried up`,
});
const node = (a: Buffer, b: Buffer) => sha(Buffer.of(1), a, b);
test(roots, 1, (l) => l[0]);
test(roots, 2, (l) => node(l[0], l[1]));
test(roots, 3, (l) => node(node(l[0], l[1]), l[2]));
test(roots, 5, (l) => node(node(node(l[0], l[1]), node(l[2], l[3])), l[4]));

test('chunks cover the file exactly; an empty file has one empty chunk', (t) => {
  t.is(chunkCount(0, 16), 1);
  t.is(chunkCount(32, 16), 2);
  t.is(chunkCount(33, 16), 3);
  t.deepEqual(chunkRange(33, 16, 2), { offset: 32, length: 1 });
});

test('hashContent gives the whole SHA-256 and the leaves of each chunk in one read', async (t) => {
  const bytes = Buffer.from('0123456789abcdefXYZ');
  const hashes = await hashContent(bufferReader(bytes), 8);
  t.deepEqual(hashes.sha256, sha(bytes));
  t.deepEqual(hashes.leaves, [
    leafHash(bytes.subarray(0, 8)),
    leafHash(bytes.subarray(8, 16)),
    leafHash(bytes.subarray(16)),
  ]);
  t.deepEqual(unpackLeaves(packLeaves(hashes.leaves)), hashes.leaves);
  t.is(unpackLeaves(Buffer.alloc(33)), undefined, 'a tree of a broken length is refused');
});
