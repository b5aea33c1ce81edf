import test from 'ava';
import {
  BINDING_REQUEST,
  BINDING_SUCCESS,
  decodeStun,
  encodeBindingRequest,
  encodeBindingSuccess,
  looksLikeStun,
} from '../../impl/nat/stun.ts';

// RFC 5769 §2.2, "Sample IPv4 Response": 192.0.2.1:32853, with SOFTWARE, MESSAGE-INTEGRITY
// (skipped: no credentials here) and FINGERPRINT (checked).
const RFC5769_IPV4_RESPONSE = Buffer.from(
  '0101003c2112a442b7e7a701bc34d686fa87dfae' +
    '8022000b7465737420766563746f7220' +
    '002000080001a147e112a643' +
    '000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7' +
    '80280004c07d4c96',
  'hex',
);

test('decodes the RFC 5769 IPv4 response vector, FINGERPRINT included', (t) => {
  const decoded = decodeStun(RFC5769_IPV4_RESPONSE);
  if (!decoded.ok) return t.fail(decoded.reason);
  t.is(decoded.message.type, BINDING_SUCCESS);
  t.true(decoded.message.cookie);
  t.is(decoded.message.transactionId.toString('hex'), 'b7e7a701bc34d686fa87dfae');
  t.deepEqual(decoded.message.mapped, { address: '192.0.2.1', port: 32853 });
});

test('a flipped bit anywhere before FINGERPRINT is refused', (t) => {
  const damaged = Buffer.from(RFC5769_IPV4_RESPONSE);
  damaged[30] ^= 0x01; // inside SOFTWARE: only the CRC can tell
  const decoded = decodeStun(damaged);
  t.false(decoded.ok);
  if (!decoded.ok) t.regex(decoded.reason, /FINGERPRINT/);
});

const roundTrip = test.macro((t, address: string, port: number) => {
  const id = Buffer.from('0102030405060708090a0b0c', 'hex');
  const request = decodeStun(encodeBindingRequest(id));
  if (!request.ok) return t.fail(request.reason);
  t.is(request.message.type, BINDING_REQUEST);
  const answer = decodeStun(encodeBindingSuccess(request.message, { address, port }));
  if (!answer.ok) return t.fail(answer.reason);
  t.deepEqual(answer.message.mapped, { address, port });
  t.deepEqual(answer.message.transactionId, id);
});
test('binding round trip, IPv4', roundTrip, '203.0.113.7', 40000);
test('binding round trip, IPv6', roundTrip, '2001:db8:1234:5678:11:2233:4455:6677', 32853);
test('binding round trip, IPv6 loopback in RFC 5952 form', roundTrip, '::1', 1);

test('an IPv4 client seen by a dual-stack socket (::ffff:a.b.c.d) is answered as IPv4', (t) => {
  const id = Buffer.alloc(12, 3);
  const request = { type: BINDING_REQUEST, transactionId: id, cookie: true };
  const answer = decodeStun(
    encodeBindingSuccess(request, { address: '::ffff:192.0.2.8', port: 9 }),
  );
  if (!answer.ok) return t.fail(answer.reason);
  t.deepEqual(answer.message.mapped, { address: '192.0.2.8', port: 9 });
});

test('a classic RFC 3489 request (no cookie, 16-byte id) gets MAPPED-ADDRESS', (t) => {
  const classic = Buffer.alloc(20);
  classic.writeUInt16BE(BINDING_REQUEST, 0);
  Buffer.from('00112233445566778899aabbccddeeff', 'hex').copy(classic, 4);
  const request = decodeStun(classic);
  if (!request.ok) return t.fail(request.reason);
  t.false(request.message.cookie);
  const answer = encodeBindingSuccess(request.message, { address: '198.51.100.9', port: 5000 });
  t.is(answer.readUInt16BE(20), 0x0001, 'MAPPED-ADDRESS, the only form RFC 3489 knows');
  const decoded = decodeStun(answer);
  if (!decoded.ok) return t.fail(decoded.reason);
  t.deepEqual(decoded.message.mapped, { address: '198.51.100.9', port: 5000 });
});

const notStun = test.macro((t, bytes: Buffer) => {
  t.false(looksLikeStun(bytes));
  t.false(decodeStun(bytes).ok);
});
test('short bytes are not STUN', notStun, Buffer.alloc(19));
test(
  'a whohas datagram (first bits set) is not STUN',
  notStun,
  Buffer.from('c0'.repeat(24), 'hex'),
);
test(
  'a length that disagrees with the size is not STUN',
  notStun,
  Buffer.concat([Buffer.from('000100082112a442', 'hex'), Buffer.alloc(12)]),
);

test('every truncation of a response is refused, never misread', (t) => {
  const whole = encodeBindingSuccess(
    { type: BINDING_REQUEST, transactionId: Buffer.alloc(12, 7), cookie: true },
    { address: '192.0.2.44', port: 7000 },
  );
  for (let cut = 0; cut < whole.length; cut++)
    t.false(decodeStun(whole.subarray(0, cut)).ok, `cut at ${cut}`);
});
