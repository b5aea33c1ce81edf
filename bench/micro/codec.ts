/**
 * The transfer datagram codec (version 2): encode, seal in place, and decode of 2048-byte datagrams.
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
} from '../../impl/arq/codec.ts';

const PAYLOAD = 2048 - HEADER_BYTES;

export function register(bench: Bench): void {
  const payload = Buffer.alloc(PAYLOAD, 0x61);
  const slot = Buffer.alloc(2048);
  payload.copy(slot, HEADER_BYTES);
  const data = encodeData(0x1234, 42, payload);
  const ack = encodeAck(0x1234, 43, 0x5eedn, 16);
  const start = encodeStart({
    transferId: 0x1234,
    isn: 7,
    fileSize: 21_760_000,
    sha256: createHash('sha256').digest(),
    window: 16,
    scheme: 'gbn',
    token: 0x5eedn,
  });
  const corrupted = Buffer.from(data);
  corrupted[1000] ^= 1;
  let seq = 0;

  bench
    .add('arq codec: encode DATA (2048 B, allocating)', () => {
      encodeData(0x1234, ++seq, payload);
    })
    .add('arq codec: seal DATA in place (2048 B)', () => {
      sealPacket(slot, PacketType.DATA, 0x1234, ++seq, PAYLOAD);
    })
    .add('arq codec: decode DATA (2048 B)', () => {
      decodePacket(data);
    })
    .add('arq codec: decode corrupted DATA (CRC fails)', () => {
      decodePacket(corrupted);
    })
    .add('arq codec: encode ACK', () => {
      encodeAck(0x1234, ++seq, 0x5eedn, 16);
    })
    .add('arq codec: decode ACK', () => {
      decodePacket(ack);
    })
    .add('arq codec: decode START', () => {
      decodePacket(start);
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bench = new Bench({ time: 500 });
  register(bench);
  await bench.run();
  console.table(bench.table());
}
