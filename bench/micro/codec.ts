/**
 * Go-Back-N datagram codec: encode, seal in place, and decode of 2048-byte datagrams.
 *
 *   npx tsx bench/micro/codec.ts
 */
import { createHash } from 'node:crypto';
import { Bench } from 'tinybench';
import {
  decodePacket,
  encodeAck,
  encodeData,
  encodeStart,
  HEADER_BYTES,
  PacketType,
  sealPacket,
} from '../../impl/gbn/codec.ts';

const PAYLOAD = 2048 - HEADER_BYTES;

export function register(bench: Bench): void {
  const payload = Buffer.alloc(PAYLOAD, 0x61);
  const slot = Buffer.alloc(2048);
  payload.copy(slot, HEADER_BYTES);
  const data = encodeData(0x1234, 42, payload);
  const ack = encodeAck(0x1234, 43);
  const start = encodeStart(0x1234, 21_760_000, createHash('sha256').digest());
  const corrupted = Buffer.from(data);
  corrupted[1000] ^= 1;
  let seq = 0;

  bench
    .add('gbn codec: encode DATA (2048 B, allocating)', () => {
      encodeData(0x1234, ++seq, payload);
    })
    .add('gbn codec: seal DATA in place (2048 B)', () => {
      sealPacket(slot, PacketType.DATA, 0x1234, ++seq, PAYLOAD);
    })
    .add('gbn codec: decode DATA (2048 B)', () => {
      decodePacket(data);
    })
    .add('gbn codec: decode corrupted DATA (CRC fails)', () => {
      decodePacket(corrupted);
    })
    .add('gbn codec: encode ACK', () => {
      encodeAck(0x1234, ++seq);
    })
    .add('gbn codec: decode ACK', () => {
      decodePacket(ack);
    })
    .add('gbn codec: decode START', () => {
      decodePacket(start);
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bench = new Bench({ time: 500 });
  register(bench);
  await bench.run();
  console.table(bench.table());
}
