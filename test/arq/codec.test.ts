import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import test from 'ava';
import {
  type AckPacket,
  decodePacket,
  encodeAbort,
  encodeAbortAck,
  encodeAck,
  encodeData,
  encodeFin,
  encodeStart,
  HEADER_BYTES,
  type Packet,
  PacketType,
  SchemeCode,
  schemeOfCode,
  sealPacket,
  seqAdd,
  seqDiff,
  seqLess,
} from '../../impl/arq/codec.ts';

const sha = createHash('sha256').update('whohas').digest();
const payload = Buffer.from('The quick brown fox jumps over the lazy dog');
const token = 0x0123_4567_89ab_cdefn;
const start = { transferId: 0xdeadbeef, isn: 0xffff_fff0, fileSize: 21_760_000, sha256: sha };

const fixtures: [string, Buffer, Packet][] = [
  [
    'START (gbn)',
    encodeStart({ ...start, window: 16, scheme: 'gbn', token }),
    {
      kind: 'start',
      transferId: 0xdeadbeef,
      seq: 0xffff_fff0,
      fileSize: 21_760_000,
      sha256: sha,
      window: 16,
      scheme: 1,
      flags: 0,
      token,
    },
  ],
  [
    'START (sr) of a 2^53-1 byte file, window 65535, token 2^64-1',
    encodeStart({
      ...start,
      fileSize: Number.MAX_SAFE_INTEGER,
      window: 65_535,
      scheme: 'sr',
      token: 2n ** 64n - 1n,
    }),
    {
      kind: 'start',
      transferId: 0xdeadbeef,
      seq: 0xffff_fff0,
      fileSize: Number.MAX_SAFE_INTEGER,
      sha256: sha,
      window: 65_535,
      scheme: 2,
      flags: 0,
      token: 2n ** 64n - 1n,
    },
  ],
  [
    'START of an unknown scheme',
    encodeStart({ ...start, window: 1, scheme: 9, token: 0n }),
    {
      kind: 'start',
      transferId: 0xdeadbeef,
      seq: 0xffff_fff0,
      fileSize: 21_760_000,
      sha256: sha,
      window: 1,
      scheme: 9,
      flags: 0,
      token: 0n,
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
  [
    'ACK',
    encodeAck(0xffff_ffff, 42, token, 16),
    { kind: 'ack', transferId: 0xffff_ffff, seq: 42, token, window: 16, sack: Buffer.alloc(0) },
  ],
  [
    'ACK with a SACK bitmap',
    encodeAck(1, 0, token, 0, Buffer.from([0b1010_0000, 0x01])),
    { kind: 'ack', transferId: 1, seq: 0, token, window: 0, sack: Buffer.from([0xa0, 0x01]) },
  ],
  [
    'ABORT',
    encodeAbort(9, 'TRANSFER_TIMEOUT', token),
    { kind: 'abort', transferId: 9, seq: 0, token, code: 'TRANSFER_TIMEOUT' },
  ],
  [
    'ABORT before the token is known',
    encodeAbort(9, 'UNSUPPORTED_ARQ'),
    { kind: 'abort', transferId: 9, seq: 0, token: 0n, code: 'UNSUPPORTED_ARQ' },
  ],
  ['ABORT_ACK', encodeAbortAck(77), { kind: 'abort-ack', transferId: 77, seq: 0 }],
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
  title: (name = '') => `${name}: decoding at every truncation point says TRUNCATED`,
});

const trailingBytesFail = test.macro({
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
  test(name, trailingBytesFail, datagram);
  test(name, everySingleByteCorruptionDetected, datagram);
}

test('the SACK bitmap and DATA payload are views into the datagram, not copies', (t) => {
  const ack = encodeAck(1, 100, token, 4, Buffer.from([0x80]));
  const decoded = decodePacket(ack) as AckPacket;
  t.is(decoded.sack.buffer, ack.buffer);
  t.is(decoded.sack.byteOffset, ack.byteOffset + HEADER_BYTES + 10);
  // Bit 0 (the most significant of byte 0) means seq + 1 = 101 arrived.
  t.is(decoded.sack[0]! >> 7, 1);
  const data = encodeData(1, 1, payload);
  t.is((decodePacket(data) as { payload: Buffer }).payload.buffer, data.buffer);
});

test('the header layout is the documented one', (t) => {
  const packet = encodeData(0x01020304, 0x05060708, Buffer.from([0xff]));
  t.deepEqual([...packet.subarray(0, 12)], [2, 2, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
  t.is(packet.length, 17);
  const zeroed = Buffer.from(packet);
  zeroed.writeUInt32BE(0, 12);
  t.is(packet.readUInt32BE(12), crc32(zeroed), 'CRC-32 of the datagram with the field zeroed');
});

test('sealPacket completes a payload written in place and returns just the packet', (t) => {
  const slot = Buffer.alloc(HEADER_BYTES + 100, 0xaa);
  payload.copy(slot, HEADER_BYTES);
  const packet = sealPacket(slot, PacketType.DATA, 5, 6, payload.length);
  t.is(packet.length, HEADER_BYTES + payload.length);
  t.deepEqual(packet, encodeData(5, 6, payload));
});

test('decoding leaves the datagram exactly as it was, valid or not', (t) => {
  for (const datagram of [encodeData(3, 4, payload), encodeAck(1, 2, token, 3)]) {
    const copy = Buffer.from(datagram);
    decodePacket(datagram);
    t.deepEqual(datagram, copy);
    datagram[HEADER_BYTES - 1] ^= 0xff;
    const corrupted = Buffer.from(datagram);
    t.is(decodePacket(datagram).kind, 'invalid');
    t.deepEqual(datagram, corrupted);
  }
});

const misuse = test.macro({
  exec(t, encode: () => unknown) {
    t.throws(encode, { instanceOf: RangeError });
  },
  title: (name = '') => `encoding ${name} throws`,
});
const good = { ...start, window: 16, scheme: 'gbn' as const, token };
test('a 31-byte SHA-256', misuse, () => encodeStart({ ...good, sha256: Buffer.alloc(31) }));
test('a negative file size', misuse, () => encodeStart({ ...good, fileSize: -1 }));
test('a START window of 65536', misuse, () => encodeStart({ ...good, window: 65_536 }));
test('an ACK window of -1', misuse, () => encodeAck(1, 1, token, -1));
test('an abort code with spaces', misuse, () => encodeAbort(1, 'NOT OK'));

test('schemes map to their wire codes and back; unknown codes name nothing', (t) => {
  t.is(schemeOfCode(SchemeCode.gbn), 'gbn');
  t.is(schemeOfCode(SchemeCode.sr), 'sr');
  t.is(schemeOfCode(0), undefined);
  t.is(schemeOfCode(3), undefined);
});

test('sequence arithmetic wraps modulo 2^32', (t) => {
  t.is(seqAdd(0xffff_ffff, 1), 0);
  t.is(seqAdd(0xffff_fff0, 0x20), 0x10);
  t.is(seqDiff(0x10, 0xffff_fff0), 0x20);
  t.is(seqDiff(0xffff_fff0, 0x10), -0x20);
  t.true(seqLess(0xffff_ffff, 0));
  t.false(seqLess(0, 0xffff_ffff));
  t.false(seqLess(5, 5));
});
