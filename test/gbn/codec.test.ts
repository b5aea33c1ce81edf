import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import test from 'ava';
import {
  type DecodeErrorReason,
  decodePacket,
  encodeAbort,
  encodeAck,
  encodeData,
  encodeFin,
  encodeStart,
  HEADER_BYTES,
  type Packet,
  PacketType,
  sealPacket,
} from '../../impl/gbn/codec.ts';

const sha = createHash('sha256').update('whohas').digest();
const payload = Buffer.from('The quick brown fox jumps over the lazy dog');

const fixtures: [string, Buffer, Packet][] = [
  [
    'START',
    encodeStart(0xdeadbeef, 21_760_000, sha, 16),
    {
      kind: 'start',
      transferId: 0xdeadbeef,
      seq: 0,
      fileSize: 21_760_000,
      sha256: sha,
      window: 16,
    },
  ],
  [
    'START of a 2^53-1 byte file',
    encodeStart(1, Number.MAX_SAFE_INTEGER, sha, 65_535),
    {
      kind: 'start',
      transferId: 1,
      seq: 0,
      fileSize: Number.MAX_SAFE_INTEGER,
      sha256: sha,
      window: 65_535,
    },
  ],
  [
    'DATA',
    encodeData(7, 0xffff_fffe, payload),
    { kind: 'data', transferId: 7, seq: 0xffff_fffe, payload },
  ],
  [
    'empty DATA',
    encodeData(7, 3, Buffer.alloc(0)),
    { kind: 'data', transferId: 7, seq: 3, payload: Buffer.alloc(0) },
  ],
  ['FIN', encodeFin(0, 10_718), { kind: 'fin', transferId: 0, seq: 10_718 }],
  ['ACK', encodeAck(0xffff_ffff, 42), { kind: 'ack', transferId: 0xffff_ffff, seq: 42 }],
  [
    'ABORT',
    encodeAbort(9, 'TRANSFER_TIMEOUT'),
    { kind: 'abort', transferId: 9, seq: 0, code: 'TRANSFER_TIMEOUT' },
  ],
];

const roundTrip = test.macro({
  exec(t, datagram: Buffer, expected: Packet) {
    t.deepEqual(decodePacket(datagram), expected);
  },
  title: (name = '') => `${name} decodes to what was encoded`,
});

const everyTruncationFails = test.macro({
  exec(t, datagram: Buffer) {
    for (let cut = 0; cut < datagram.length; cut++) {
      const result = decodePacket(datagram.subarray(0, cut));
      t.deepEqual(result, { kind: 'invalid', reason: 'TRUNCATED' }, `first ${cut} bytes`);
    }
  },
  title: (name = '') => `${name}: every truncation is reported as TRUNCATED`,
});

const everySplitWithTrailingBytesFails = test.macro({
  exec(t, datagram: Buffer) {
    // A datagram carries one packet: any bytes beyond the stated length are an error.
    for (let extra = 1; extra <= 8; extra++) {
      const glued = Buffer.concat([datagram, datagram.subarray(0, extra)]);
      t.deepEqual(decodePacket(glued), { kind: 'invalid', reason: 'BAD_LENGTH' });
    }
  },
  title: (name = '') => `${name}: trailing bytes are reported as BAD_LENGTH`,
});

const everySingleByteCorruptionDetected = test.macro({
  exec(t, datagram: Buffer) {
    let checked = 0;
    for (let at = 0; at < datagram.length; at++) {
      for (let flip = 1; flip < 256; flip++) {
        const corrupted = Buffer.from(datagram);
        corrupted[at] ^= flip;
        if (decodePacket(corrupted).kind !== 'invalid')
          t.fail(`byte ${at} ^ ${flip} went unnoticed`);
        checked++;
      }
    }
    t.is(checked, datagram.length * 255);
  },
  title: (name = '') => `${name}: every single-byte corruption is detected`,
});

for (const [name, datagram, expected] of fixtures) {
  test(name, roundTrip, datagram, expected);
  test(name, everyTruncationFails, datagram);
  test(name, everySplitWithTrailingBytesFails, datagram);
  test(name, everySingleByteCorruptionDetected, datagram);
}

function forged(type: number, body: Buffer, mutate?: (packet: Buffer) => void): Buffer {
  const packet = Buffer.alloc(HEADER_BYTES + body.length);
  body.copy(packet, HEADER_BYTES);
  mutate?.(packet);
  return sealPacket(packet, type, 1, 2, body.length);
}

const rejects = test.macro({
  exec(t, datagram: Buffer, reason: DecodeErrorReason) {
    t.deepEqual(decodePacket(datagram), { kind: 'invalid', reason });
  },
  title: (name = '') => `a datagram with ${name} is rejected`,
});

const tooBig = Buffer.alloc(8);
tooBig.writeBigUInt64BE(2n ** 53n);
test('an unknown type', rejects, forged(9, Buffer.alloc(0)), 'BAD_TYPE');
test('type 0', rejects, forged(0, Buffer.alloc(0)), 'BAD_TYPE');
test('an ACK carrying a payload', rejects, forged(PacketType.ACK, Buffer.from('x')), 'BAD_LENGTH');
test('a FIN carrying a payload', rejects, forged(PacketType.FIN, Buffer.from('x')), 'BAD_LENGTH');
test('a short START', rejects, forged(PacketType.START, Buffer.alloc(41)), 'BAD_LENGTH');
test('a long START', rejects, forged(PacketType.START, Buffer.alloc(43)), 'BAD_LENGTH');
test(
  'a START over 2^53-1 bytes',
  rejects,
  forged(PacketType.START, Buffer.concat([tooBig, sha, Buffer.alloc(2)])),
  'BAD_FIELD',
);
test('an empty ABORT', rejects, forged(PacketType.ABORT, Buffer.alloc(0)), 'BAD_LENGTH');
test(
  'an ABORT code in lower case',
  rejects,
  forged(PacketType.ABORT, Buffer.from('oops')),
  'BAD_FIELD',
);
test(
  'an ABORT code of 49 bytes',
  rejects,
  forged(PacketType.ABORT, Buffer.alloc(49, 65)),
  'BAD_LENGTH',
);
test(
  'version 2',
  rejects,
  (() => {
    const packet = encodeAck(1, 1);
    packet[0] = 2;
    return packet;
  })(),
  'BAD_VERSION',
);
test('an empty datagram', rejects, Buffer.alloc(0), 'TRUNCATED');

test('sealPacket completes a payload written in place and returns just the packet', (t) => {
  const slot = Buffer.alloc(HEADER_BYTES + 100, 0xaa);
  payload.copy(slot, HEADER_BYTES);
  const packet = sealPacket(slot, PacketType.DATA, 5, 6, payload.length);
  t.is(packet.length, HEADER_BYTES + payload.length);
  t.deepEqual(packet, encodeData(5, 6, payload));
});

test('the header layout is the documented one', (t) => {
  const packet = encodeData(0x01020304, 0x05060708, Buffer.from([0xff]));
  t.deepEqual([...packet.subarray(0, 12)], [1, 2, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
  t.is(packet.length, 17);
});

test('DATA payloads are views into the datagram, not copies', (t) => {
  const datagram = encodeData(1, 1, payload);
  const decoded = decodePacket(datagram) as { payload: Buffer };
  t.is(decoded.payload.buffer, datagram.buffer);
});

const misuse = test.macro({
  exec(t, encode: () => unknown) {
    t.throws(encode, { instanceOf: RangeError });
  },
  title: (name = '') => `encoding ${name} throws`,
});
test('a 31-byte SHA-256', misuse, () => encodeStart(1, 1, Buffer.alloc(31)));
test('a negative file size', misuse, () => encodeStart(1, -1, sha));
test('a window of 65536', misuse, () => encodeStart(1, 1, sha, 65_536));
test('an abort code with spaces', misuse, () => encodeAbort(1, 'NOT OK'));

test('the CRC is zlib CRC-32 of the datagram with the CRC field zeroed', (t) => {
  const packet = encodeData(3, 4, payload);
  const zeroed = Buffer.from(packet);
  zeroed.writeUInt32BE(0, 12);
  t.is(packet.readUInt32BE(12), crc32(zeroed));
});

test('decoding leaves the datagram exactly as it was, valid or not', (t) => {
  for (const datagram of [encodeData(3, 4, payload), encodeAck(1, 2)]) {
    const copy = Buffer.from(datagram);
    decodePacket(datagram);
    t.deepEqual(datagram, copy);
    datagram[HEADER_BYTES - 1] ^= 0xff;
    const corrupted = Buffer.from(datagram);
    t.is(decodePacket(datagram).kind, 'invalid');
    t.deepEqual(datagram, corrupted);
  }
});
