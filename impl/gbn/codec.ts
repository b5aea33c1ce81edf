/**
 * The Go-Back-N datagram format (docs/PROTOCOL.md, "Datagram format"). Pure: bytes in, values
 * out. Decoding never throws on wire input; it returns a packet or a typed failure.
 *
 *   0  u8   version (1)
 *   1  u8   type: 1 START, 2 DATA, 3 FIN, 4 ACK, 5 ABORT
 *   2  u16  payload length
 *   4  u32  transfer id
 *   8  u32  sequence (START 0, DATA 1..n, FIN n+1; ACK: next sequence expected)
 *  12  u32  CRC-32 of the whole datagram with this field set to zero
 *  16  payload (START: u64 file size, 32-byte SHA-256, u16 window; ABORT: ASCII error code)
 * All integers big-endian.
 */
import { crc32 } from 'node:zlib';

export const GBN_VERSION = 1;
export const HEADER_BYTES = 16;
export const SHA256_BYTES = 32;
export const START_PAYLOAD_BYTES = 8 + SHA256_BYTES + 2;
export const MAX_ABORT_CODE_BYTES = 48;
/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507;

export const PacketType = { START: 1, DATA: 2, FIN: 3, ACK: 4, ABORT: 5 } as const;

export interface StartPacket {
  kind: 'start';
  transferId: number;
  seq: number;
  fileSize: number;
  sha256: Buffer;
  /** The sender's window N, so the receiver can pace its ACKs; 0 if not announced. */
  window: number;
}
export interface DataPacket {
  kind: 'data';
  transferId: number;
  seq: number;
  /** A view into the datagram, not a copy. */
  payload: Buffer;
}
export interface FinPacket {
  kind: 'fin';
  transferId: number;
  seq: number;
}
export interface AckPacket {
  kind: 'ack';
  transferId: number;
  /** Every sequence number below this one has arrived. */
  seq: number;
}
export interface AbortPacket {
  kind: 'abort';
  transferId: number;
  seq: number;
  code: string;
}
export type Packet = StartPacket | DataPacket | FinPacket | AckPacket | AbortPacket;

export type DecodeErrorReason =
  | 'TRUNCATED'
  | 'BAD_VERSION'
  | 'BAD_LENGTH'
  | 'BAD_CRC'
  | 'BAD_TYPE'
  | 'BAD_FIELD';

export interface DecodeFailure {
  kind: 'invalid';
  reason: DecodeErrorReason;
}

const failures: Record<DecodeErrorReason, DecodeFailure> = {
  TRUNCATED: Object.freeze({ kind: 'invalid', reason: 'TRUNCATED' }),
  BAD_VERSION: Object.freeze({ kind: 'invalid', reason: 'BAD_VERSION' }),
  BAD_LENGTH: Object.freeze({ kind: 'invalid', reason: 'BAD_LENGTH' }),
  BAD_CRC: Object.freeze({ kind: 'invalid', reason: 'BAD_CRC' }),
  BAD_TYPE: Object.freeze({ kind: 'invalid', reason: 'BAD_TYPE' }),
  BAD_FIELD: Object.freeze({ kind: 'invalid', reason: 'BAD_FIELD' }),
};

const ABORT_CODE = /^[A-Z0-9_]+$/;

const CRC_AT = 12;

/**
 * Completes a packet in place: `target[16, 16 + payloadLength)` already holds the payload.
 * Returns the datagram (a view of `target`). The hot path of the sender.
 */
export function sealPacket(
  target: Buffer,
  type: number,
  transferId: number,
  seq: number,
  payloadLength: number,
): Buffer {
  target[0] = GBN_VERSION;
  target[1] = type;
  target.writeUInt16BE(payloadLength, 2);
  target.writeUInt32BE(transferId, 4);
  target.writeUInt32BE(seq, 8);
  const end = HEADER_BYTES + payloadLength;
  const packet = target.length === end ? target : target.subarray(0, end);
  target.writeUInt32BE(0, CRC_AT);
  target.writeUInt32BE(crc32(packet), CRC_AT);
  return packet;
}

function packet(type: number, transferId: number, seq: number, payload?: Uint8Array): Buffer {
  const length = payload === undefined ? 0 : payload.length;
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  if (payload !== undefined) out.set(payload, HEADER_BYTES);
  return sealPacket(out, type, transferId, seq, length);
}

export function encodeStart(
  transferId: number,
  fileSize: number,
  sha256: Uint8Array,
  window = 0,
): Buffer {
  if (sha256.length !== SHA256_BYTES) throw new RangeError('SHA-256 must be 32 bytes');
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError('bad file size');
  if (!Number.isInteger(window) || window < 0 || window > 0xffff)
    throw new RangeError('bad window');
  const payload = Buffer.allocUnsafe(START_PAYLOAD_BYTES);
  payload.writeBigUInt64BE(BigInt(fileSize), 0);
  payload.set(sha256, 8);
  payload.writeUInt16BE(window, 8 + SHA256_BYTES);
  return packet(PacketType.START, transferId, 0, payload);
}

export function encodeData(transferId: number, seq: number, payload: Uint8Array): Buffer {
  return packet(PacketType.DATA, transferId, seq, payload);
}

export function encodeFin(transferId: number, seq: number): Buffer {
  return packet(PacketType.FIN, transferId, seq);
}

export function encodeAck(transferId: number, nextExpected: number): Buffer {
  return packet(PacketType.ACK, transferId, nextExpected);
}

export function encodeAbort(transferId: number, code: string): Buffer {
  if (code.length > MAX_ABORT_CODE_BYTES || !ABORT_CODE.test(code)) {
    throw new RangeError(`bad abort code: ${code}`);
  }
  return packet(PacketType.ABORT, transferId, 0, Buffer.from(code, 'latin1'));
}

/**
 * Decodes one datagram. Never throws; a failure says why. The datagram's bytes are briefly
 * modified during the call (CRC check) and restored before it returns.
 */
export function decodePacket(datagram: Buffer): Packet | DecodeFailure {
  const size = datagram.length;
  if (size < HEADER_BYTES) return failures.TRUNCATED;
  if (datagram[0] !== GBN_VERSION) return failures.BAD_VERSION;
  const length = datagram.readUInt16BE(2);
  const end = HEADER_BYTES + length;
  if (end > size) return failures.TRUNCATED;
  if (end < size) return failures.BAD_LENGTH;
  // The CRC covers the datagram with its own field zeroed: zero it, compute, put it back.
  // The caller's bytes come out unchanged, and no view is allocated.
  const stated = datagram.readUInt32BE(CRC_AT);
  datagram.writeUInt32BE(0, CRC_AT);
  const actual = crc32(datagram);
  datagram.writeUInt32BE(stated, CRC_AT);
  if (stated !== actual) return failures.BAD_CRC;
  const transferId = datagram.readUInt32BE(4);
  const seq = datagram.readUInt32BE(8);
  switch (datagram[1]) {
    case PacketType.DATA:
      return { kind: 'data', transferId, seq, payload: datagram.subarray(HEADER_BYTES, end) };
    case PacketType.ACK:
      return length === 0 ? { kind: 'ack', transferId, seq } : failures.BAD_LENGTH;
    case PacketType.FIN:
      return length === 0 ? { kind: 'fin', transferId, seq } : failures.BAD_LENGTH;
    case PacketType.START: {
      if (length !== START_PAYLOAD_BYTES) return failures.BAD_LENGTH;
      const fileSize = datagram.readBigUInt64BE(HEADER_BYTES);
      if (fileSize > BigInt(Number.MAX_SAFE_INTEGER)) return failures.BAD_FIELD;
      const hashAt = HEADER_BYTES + 8;
      const sha256 = Buffer.from(datagram.subarray(hashAt, hashAt + SHA256_BYTES));
      const window = datagram.readUInt16BE(hashAt + SHA256_BYTES);
      return { kind: 'start', transferId, seq, fileSize: Number(fileSize), sha256, window };
    }
    case PacketType.ABORT: {
      if (length === 0 || length > MAX_ABORT_CODE_BYTES) return failures.BAD_LENGTH;
      const code = datagram.toString('latin1', HEADER_BYTES, end);
      return ABORT_CODE.test(code) ? { kind: 'abort', transferId, seq, code } : failures.BAD_FIELD;
    }
    default:
      return failures.BAD_TYPE;
  }
}
