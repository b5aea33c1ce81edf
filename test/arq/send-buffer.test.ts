import test from 'ava';
import { type DataPacket, decodePacket } from '../../impl/arq/codec.ts';
import { SenderDigest } from '../../impl/arq/file-digest.ts';
import { SendBuffer } from '../../impl/arq/send-buffer.ts';

const outgoing = (fileSize: number, window = 4) =>
  new SendBuffer({
    transferId: 1,
    isn: 0xffff_fffe,
    token: 5n,
    fileSize,
    digest: new SenderDigest(Buffer.alloc(32)),
    window,
    scheme: 'gbn',
    payload: 10,
  });
const payloadOf = (datagram: Buffer | null) =>
  (decodePacket(datagram!) as DataPacket).payload.toString();

test('indices: START, one DATA per payload (the last one short), FIN', (t) => {
  const buffer = outgoing(25);
  t.is(buffer.total, 5);
  t.like(decodePacket(buffer.buildNext()!), { kind: 'start', seq: 0xffff_fffe, fileSize: 25 });
  buffer.offer(Buffer.from('0123456789abcdefghijKLMNO'));
  t.is(payloadOf(buffer.buildNext()), '0123456789');
  t.is(payloadOf(buffer.buildNext()), 'abcdefghij');
  t.is(payloadOf(buffer.buildNext()), 'KLMNO');
  t.like(decodePacket(buffer.buildNext()!), { kind: 'fin', seq: 2 }, 'ISN + 4 wrapped');
});

test('a packet spanning offered chunks is gathered from them; missing bytes hold it back', (t) => {
  const buffer = outgoing(20);
  buffer.buildNext();
  buffer.offer(Buffer.from('0123'));
  t.is(buffer.buildNext(), null, 'only 4 of 10 bytes offered');
  buffer.offer(Buffer.from('45'));
  buffer.offer(Buffer.from('6789ab'));
  t.is(payloadOf(buffer.buildNext()), '0123456789');
  t.is(buffer.built, 2);
});

test('bytesWanted counts what the packets below an index need, less what was offered', (t) => {
  const buffer = outgoing(25);
  t.is(buffer.bytesWanted(1), 0, 'START needs no file bytes');
  t.is(buffer.bytesWanted(3), 20);
  t.is(buffer.bytesWanted(99), 25, 'never past the file');
  buffer.offer(Buffer.alloc(12));
  t.is(buffer.bytesWanted(3), 8);
  t.is(buffer.bytesBelow(4), 25);
  t.throws(() => buffer.offer(Buffer.alloc(14)), { code: 'BAD_ARGUMENT' } as never);
});

test('one copy per unacknowledged packet: a slot buffer is reused once its packet is released', (t) => {
  const buffer = outgoing(100, 2);
  buffer.buildNext();
  buffer.offer(Buffer.alloc(100, 0x61));
  const one = buffer.buildNext()!;
  const two = buffer.buildNext()!;
  t.is(buffer.get(1), one, 'a retransmission is the same datagram');
  buffer.release(0, 2);
  const three = buffer.buildNext()!;
  t.is(three.buffer, one.buffer, 'index 3 reuses the slot of index 1');
  t.not(three.buffer, two.buffer);
});

test('a file needing more than 2^32 - 1 sequence numbers is refused', (t) => {
  t.throws(() => outgoing(2 ** 32 * 10), { code: 'BAD_ARGUMENT' } as never);
});
