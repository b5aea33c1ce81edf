import test from 'ava';
import {
  encodeAck,
  encodeFin,
  HEADER_BYTES,
  PacketType,
  sealPacket,
} from '../../impl/arq/codec.ts';
import { checkSenderInit, classify } from '../../impl/arq/inbound.ts';

test('a datagram of this transfer decodes; another transfer, garbage and CRC errors are foreign', (t) => {
  t.like(classify(encodeFin(4, 9), 4), { kind: 'fin', seq: 9 });
  t.deepEqual(classify(encodeFin(5, 9), 4), { kind: 'foreign' });
  t.deepEqual(classify(Buffer.from('hello'), 4), { kind: 'foreign' });
  const broken = encodeAck(4, 1, 1n, 1);
  broken[20] ^= 1;
  t.deepEqual(classify(broken, 4), { kind: 'foreign' });
});

test('a version 1 datagram is old-version only for this transfer', (t) => {
  const v1 = sealPacket(Buffer.alloc(HEADER_BYTES), PacketType.FIN, 4, 1, 0, 1);
  t.deepEqual(classify(v1, 4), { kind: 'old-version' });
  t.deepEqual(classify(v1, 5), { kind: 'foreign' });
});

test('sender arguments are checked: a non-finite now is refused', (t) => {
  const init = { transferId: 1, isn: 1, token: 1n, fileSize: 0, sha256: Buffer.alloc(32), now: 0 };
  t.notThrows(() => checkSenderInit(init));
  t.throws(() => checkSenderInit({ ...init, now: Number.NaN }), { code: 'BAD_ARGUMENT' } as never);
});
