/**
 * The transfer datagrams as values (what `decodePacket` returns) and sequence arithmetic modulo
 * 2^32. The byte layout is in codec.ts; this file is types and pure arithmetic only.
 */
export interface StartPacket {
  kind: 'start';
  transferId: number;
  /** The initial sequence number. */
  seq: number;
  fileSize: number;
  sha256: Buffer;
  /** The sender's window N. */
  window: number;
  /** The raw scheme byte: `schemeOfCode` names it, undefined for a scheme this build lacks. */
  scheme: number;
  flags: number;
  token: bigint;
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
  /** The file's SHA-256 when START deferred it (START_FLAGS.HASH_IN_FIN), a copy. */
  sha256?: Buffer;
}
export interface AckPacket {
  kind: 'ack';
  transferId: number;
  /** Every sequence number before this one has arrived. */
  seq: number;
  token: bigint;
  /** Packets past `seq` the receiver can take now (0: stop sending new data). */
  window: number;
  /** Selective-ACK bitmap (a view, possibly empty): bit i means `seq + 1 + i` arrived. */
  sack: Buffer;
}
export interface AbortPacket {
  kind: 'abort';
  transferId: number;
  seq: number;
  token: bigint;
  code: string;
}
export interface AbortAckPacket {
  kind: 'abort-ack';
  transferId: number;
  seq: number;
}
export type Packet =
  | StartPacket
  | DataPacket
  | FinPacket
  | AckPacket
  | AbortPacket
  | AbortAckPacket;

export type DecodeErrorReason =
  | 'TRUNCATED'
  | 'OLD_VERSION'
  | 'BAD_VERSION'
  | 'BAD_LENGTH'
  | 'BAD_CRC'
  | 'BAD_TYPE'
  | 'BAD_FIELD';

export interface DecodeFailure {
  kind: 'invalid';
  reason: DecodeErrorReason;
  /** For OLD_VERSION: the transfer id the old peer used, to answer it. */
  transferId?: number;
}

/** Sequence arithmetic modulo 2^32 (RFC 1982 serial numbers). */
export const seqAdd = (seq: number, n: number): number => (seq + n) >>> 0;
/** How far `b` is ahead of `a`, in (-2^31, 2^31]. */
export const seqDiff = (b: number, a: number): number => (b - a) | 0;
export const seqLess = (a: number, b: number): boolean => seqDiff(b, a) > 0;
