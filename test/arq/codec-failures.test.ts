import { crc32 } from 'node:zlib';
import test from 'ava';
import {
  type DecodeErrorReason,
  decodePacket,
  encodeAbortV1,
  encodeFin,
  HEADER_BYTES,
  PacketType,
  START_PAYLOAD_BYTES,
  sealPacket,
} from '../../impl/arq/codec.ts';

// Every way decodePacket refuses a datagram, one case each (codec.test.ts covers the round trips).
function forged(type: number, body: Buffer, version = 2): Buffer {
  const packet = Buffer.alloc(HEADER_BYTES + body.length);
  body.copy(packet, HEADER_BYTES);
  return sealPacket(packet, type, 1, 2, body.length, version);
}

const rejects = test.macro({
  exec(t, datagram: Buffer, reason: DecodeErrorReason) {
    t.deepEqual(decodePacket(datagram), { kind: 'invalid', reason });
  },
  title: (name = '') => `a datagram with ${name} is rejected`,
});

const tooBig = Buffer.alloc(START_PAYLOAD_BYTES);
tooBig.writeBigUInt64BE(2n ** 53n);
const corruptCrc = encodeFin(1, 2);
corruptCrc[12] ^= 1;
const abortBody = (code: string) => Buffer.concat([Buffer.alloc(8), Buffer.from(code)]);
test('an empty datagram', rejects, Buffer.alloc(0), 'TRUNCATED');
test('15 bytes', rejects, Buffer.alloc(15), 'TRUNCATED');
test('version 3', rejects, forged(PacketType.FIN, Buffer.alloc(0), 3), 'BAD_VERSION');
test('version 0', rejects, forged(PacketType.FIN, Buffer.alloc(0), 0), 'BAD_VERSION');
test('a wrong CRC', rejects, corruptCrc, 'BAD_CRC');
test('an unknown type', rejects, forged(9, Buffer.alloc(0)), 'BAD_TYPE');
test('type 0', rejects, forged(0, Buffer.alloc(0)), 'BAD_TYPE');
test('an ACK without its window', rejects, forged(PacketType.ACK, Buffer.alloc(9)), 'BAD_LENGTH');
test('a FIN carrying a payload', rejects, forged(PacketType.FIN, Buffer.from('x')), 'BAD_LENGTH');
test(
  'an ABORT_ACK with a payload',
  rejects,
  forged(PacketType.ABORT_ACK, Buffer.from('x')),
  'BAD_LENGTH',
);
test(
  'a short START',
  rejects,
  forged(PacketType.START, Buffer.alloc(START_PAYLOAD_BYTES - 1)),
  'BAD_LENGTH',
);
test(
  'a long START',
  rejects,
  forged(PacketType.START, Buffer.alloc(START_PAYLOAD_BYTES + 1)),
  'BAD_LENGTH',
);
test('a START over 2^53-1 bytes', rejects, forged(PacketType.START, tooBig), 'BAD_FIELD');
test(
  'an ABORT with only a token',
  rejects,
  forged(PacketType.ABORT, Buffer.alloc(8)),
  'BAD_LENGTH',
);
test(
  'an ABORT code in lower case',
  rejects,
  forged(PacketType.ABORT, abortBody('oops')),
  'BAD_FIELD',
);
test(
  'an ABORT code of 49 bytes',
  rejects,
  forged(PacketType.ABORT, abortBody('A'.repeat(49))),
  'BAD_LENGTH',
);

test('a version 1 datagram is OLD_VERSION and names its transfer id, to answer it', (t) => {
  const old = forged(PacketType.DATA, Buffer.from('old peer'), 1);
  old.writeUInt32BE(0xcafe_f00d, 4);
  old.writeUInt32BE(0, 12);
  old.writeUInt32BE(crc32(old), 12);
  t.deepEqual(decodePacket(old), {
    kind: 'invalid',
    reason: 'OLD_VERSION',
    transferId: 0xcafe_f00d,
  });
});

test('the version 1 ABORT answer carries the code without a token, in version 1', (t) => {
  const answer = encodeAbortV1(0xcafe_f00d, 'UNSUPPORTED_VERSION');
  t.is(answer[0], 1);
  t.is(answer[1], PacketType.ABORT);
  t.is(answer.readUInt32BE(4), 0xcafe_f00d);
  t.is(answer.toString('latin1', HEADER_BYTES), 'UNSUPPORTED_VERSION');
  t.deepEqual(decodePacket(answer), {
    kind: 'invalid',
    reason: 'OLD_VERSION',
    transferId: 0xcafe_f00d,
  });
});
