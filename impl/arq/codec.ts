/**
 * The transfer datagram format, version 2 (docs/PROTOCOL.md, "Datagram format"). Pure: bytes in,
 * values out. Decoding never throws on wire input; it returns a packet or a typed failure.
 *
 *   0  u8   version (2)
 *   1  u8   type: 1 START, 2 DATA, 3 FIN, 4 ACK, 5 ABORT, 6 ABORT_ACK
 *   2  u16  payload length
 *   4  u32  transfer id
 *   8  u32  sequence (START: the initial sequence number ISN; DATA ISN+1..; FIN after the last
 *           DATA; ACK: the next sequence expected; all modulo 2^32)
 *  12  u32  CRC-32 of the whole datagram with this field set to zero
 *  16  payload:
 *        START  u64 file size, 32-byte SHA-256, u16 window N, u8 scheme (1 gbn, 2 sr), u8 flags
 *               (bit 0: the SHA-256 is zero and FIN carries it; file-digest.ts), u64 token
 *               (random, chosen by the sender)
 *        FIN    empty, or (START's flag bit 0) the 32-byte SHA-256 of the file
 *        ACK    u64 token (the START's, echoed: proof the receiver saw START), u16 advertised
 *               window (packets past the cumulative point the receiver can take now), then an
 *               optional selective-ACK bitmap: bit i (most significant bit of byte 0 first) set
 *               means sequence `seq + 1 + i` has arrived
 *        ABORT  u64 token (0 if not known yet), ASCII error code [A-Z0-9_]{1,48}
 * All integers big-endian. Version 1 datagrams are recognised (OLD_VERSION) so that an old peer
 * can be told UNSUPPORTED_VERSION in its own format (encodeAbortV1).
 */
import { crc32 } from 'node:zlib';
import type { DecodeErrorReason, DecodeFailure, Packet, StartPacket } from './packets.ts';

export * from './packets.ts';

export const WIRE_VERSION = 2;
export const HEADER_BYTES = 16;
export const SHA256_BYTES = 32;
export const TOKEN_BYTES = 8;
export const START_PAYLOAD_BYTES = 8 + SHA256_BYTES + 2 + 1 + 1 + TOKEN_BYTES;
export const ACK_FIXED_BYTES = TOKEN_BYTES + 2;
export const MAX_ABORT_CODE_BYTES = 48;
/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507;
export const MAX_WINDOW = 65_535;

export const PacketType = { START: 1, DATA: 2, FIN: 3, ACK: 4, ABORT: 5, ABORT_ACK: 6 } as const;

/** ARQ schemes on the wire. A receiver refuses a scheme it does not run with UNSUPPORTED_ARQ. */
export const SchemeCode = { gbn: 1, sr: 2 } as const;
export type Scheme = keyof typeof SchemeCode;
export const SCHEMES: readonly Scheme[] = ['gbn', 'sr'];

export function schemeOfCode(code: number): Scheme | undefined {
  return SCHEMES.find((scheme) => SchemeCode[scheme] === code);
}

const failure = (reason: DecodeErrorReason): DecodeFailure =>
  Object.freeze({ kind: 'invalid', reason });
const failures = {
  TRUNCATED: failure('TRUNCATED'),
  BAD_VERSION: failure('BAD_VERSION'),
  BAD_LENGTH: failure('BAD_LENGTH'),
  BAD_CRC: failure('BAD_CRC'),
  BAD_TYPE: failure('BAD_TYPE'),
  BAD_FIELD: failure('BAD_FIELD'),
} as const;

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
  version = WIRE_VERSION,
): Buffer {
  target[0] = version;
  target[1] = type;
  target.writeUInt16BE(payloadLength, 2);
  target.writeUInt32BE(transferId >>> 0, 4);
  target.writeUInt32BE(seq >>> 0, 8);
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

export interface StartFields {
  transferId: number;
  isn: number;
  fileSize: number;
  sha256: Uint8Array;
  window: number;
  scheme: Scheme | number;
  token: bigint;
  /** START_FLAGS (file-digest.ts); 0 when absent. */
  flags?: number;
}

export function encodeStart(fields: StartFields): Buffer {
  const { fileSize, sha256, window, token } = fields;
  if (sha256.length !== SHA256_BYTES) throw new RangeError('SHA-256 must be 32 bytes');
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError('bad file size');
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW)
    throw new RangeError('bad window');
  const scheme = typeof fields.scheme === 'number' ? fields.scheme : SchemeCode[fields.scheme];
  const payload = Buffer.allocUnsafe(START_PAYLOAD_BYTES);
  payload.writeBigUInt64BE(BigInt(fileSize), 0);
  payload.set(sha256, 8);
  let at = 8 + SHA256_BYTES;
  at = payload.writeUInt16BE(window, at);
  at = payload.writeUInt8(scheme, at);
  at = payload.writeUInt8(fields.flags ?? 0, at);
  payload.writeBigUInt64BE(BigInt.asUintN(64, token), at);
  return packet(PacketType.START, fields.transferId, fields.isn, payload);
}

export function encodeData(transferId: number, seq: number, payload: Uint8Array): Buffer {
  return packet(PacketType.DATA, transferId, seq, payload);
}

/** A FIN; `sha256` (32 bytes) when START deferred the file's hash to it. */
export function encodeFin(transferId: number, seq: number, sha256?: Uint8Array): Buffer {
  if (sha256 !== undefined && sha256.length !== SHA256_BYTES)
    throw new RangeError('SHA-256 must be 32 bytes');
  return packet(PacketType.FIN, transferId, seq, sha256);
}

/** An ACK (built in place, one allocation); `sack` (SR): what arrived past `nextExpected`. */
export function encodeAck(
  transferId: number,
  nextExpected: number,
  token: bigint,
  window: number,
  sack?: Uint8Array,
): Buffer {
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW)
    throw new RangeError('bad window');
  const out = Buffer.allocUnsafe(HEADER_BYTES + ACK_FIXED_BYTES + (sack?.length ?? 0));
  out.writeBigUInt64BE(BigInt.asUintN(64, token), HEADER_BYTES);
  out.writeUInt16BE(window, HEADER_BYTES + TOKEN_BYTES);
  if (sack !== undefined) out.set(sack, HEADER_BYTES + ACK_FIXED_BYTES);
  return sealPacket(out, PacketType.ACK, transferId, nextExpected, out.length - HEADER_BYTES);
}

function abortPayload(code: string, token: bigint | undefined): Buffer {
  if (code.length > MAX_ABORT_CODE_BYTES || !ABORT_CODE.test(code)) {
    throw new RangeError(`bad abort code: ${code}`);
  }
  const text = Buffer.from(code, 'latin1');
  if (token === undefined) return text;
  const out = Buffer.allocUnsafe(TOKEN_BYTES + text.length);
  out.writeBigUInt64BE(BigInt.asUintN(64, token), 0);
  out.set(text, TOKEN_BYTES);
  return out;
}

export function encodeAbort(transferId: number, code: string, token = 0n): Buffer {
  return packet(PacketType.ABORT, transferId, 0, abortPayload(code, token));
}

export function encodeAbortAck(transferId: number): Buffer {
  return packet(PacketType.ABORT_ACK, transferId, 0);
}

/** An ABORT in the version 1 format (no token), to tell an old peer why we will not talk. */
export function encodeAbortV1(transferId: number, code: string): Buffer {
  const text = abortPayload(code, undefined);
  const out = Buffer.allocUnsafe(HEADER_BYTES + text.length);
  out.set(text, HEADER_BYTES);
  return sealPacket(out, PacketType.ABORT, transferId, 0, text.length, 1);
}

/**
 * Decodes one datagram. Never throws; a failure says why. The datagram's bytes are briefly
 * modified during the call (CRC check) and restored before it returns.
 */
export function decodePacket(datagram: Buffer): Packet | DecodeFailure {
  const size = datagram.length;
  if (size < HEADER_BYTES) return failures.TRUNCATED;
  const version = datagram[0];
  if (version !== WIRE_VERSION && version !== 1) return failures.BAD_VERSION;
  const length = datagram.readUInt16BE(2);
  const end = HEADER_BYTES + length;
  if (end > size) return failures.TRUNCATED;
  if (end < size) return failures.BAD_LENGTH;
  // The CRC covers the datagram with its own field zeroed: zero it, compute, put it back.
  const stated = datagram.readUInt32BE(CRC_AT);
  datagram.writeUInt32BE(0, CRC_AT);
  const actual = crc32(datagram);
  datagram.writeUInt32BE(stated, CRC_AT);
  if (stated !== actual) return failures.BAD_CRC;
  const transferId = datagram.readUInt32BE(4);
  if (version === 1) return Object.freeze({ kind: 'invalid', reason: 'OLD_VERSION', transferId });
  const seq = datagram.readUInt32BE(8);
  switch (datagram[1]) {
    case PacketType.DATA:
      return { kind: 'data', transferId, seq, payload: datagram.subarray(HEADER_BYTES, end) };
    case PacketType.ACK: {
      if (length < ACK_FIXED_BYTES) return failures.BAD_LENGTH;
      const token = datagram.readBigUInt64BE(HEADER_BYTES);
      const window = datagram.readUInt16BE(HEADER_BYTES + TOKEN_BYTES);
      const sack = datagram.subarray(HEADER_BYTES + ACK_FIXED_BYTES, end);
      return { kind: 'ack', transferId, seq, token, window, sack };
    }
    case PacketType.FIN:
      if (length === 0) return { kind: 'fin', transferId, seq };
      return length === SHA256_BYTES
        ? {
            kind: 'fin',
            transferId,
            seq,
            sha256: Buffer.from(datagram.subarray(HEADER_BYTES, end)),
          }
        : failures.BAD_LENGTH;
    case PacketType.ABORT_ACK:
      return length === 0 ? { kind: 'abort-ack', transferId, seq } : failures.BAD_LENGTH;
    case PacketType.START:
      return length === START_PAYLOAD_BYTES
        ? decodeStart(datagram, transferId, seq)
        : failures.BAD_LENGTH;
    case PacketType.ABORT: {
      if (length <= TOKEN_BYTES || length > TOKEN_BYTES + MAX_ABORT_CODE_BYTES)
        return failures.BAD_LENGTH;
      const token = datagram.readBigUInt64BE(HEADER_BYTES);
      const code = datagram.toString('latin1', HEADER_BYTES + TOKEN_BYTES, end);
      return ABORT_CODE.test(code)
        ? { kind: 'abort', transferId, seq, token, code }
        : failures.BAD_FIELD;
    }
    default:
      return failures.BAD_TYPE;
  }
}

function decodeStart(
  datagram: Buffer,
  transferId: number,
  seq: number,
): StartPacket | DecodeFailure {
  const fileSize = datagram.readBigUInt64BE(HEADER_BYTES);
  if (fileSize > BigInt(Number.MAX_SAFE_INTEGER)) return failures.BAD_FIELD;
  const hashAt = HEADER_BYTES + 8;
  const sha256 = Buffer.from(datagram.subarray(hashAt, hashAt + SHA256_BYTES));
  let at = hashAt + SHA256_BYTES;
  const window = datagram.readUInt16BE(at);
  at += 2;
  const scheme = datagram[at++];
  const flags = datagram[at++];
  const token = datagram.readBigUInt64BE(at);
  return {
    kind: 'start',
    transferId,
    seq,
    fileSize: Number(fileSize),
    sha256,
    window,
    scheme,
    flags,
    token,
  };
}
