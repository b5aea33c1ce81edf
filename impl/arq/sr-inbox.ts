/**
 * What both Selective Repeat cores do first with a datagram and last before sending: decode it
 * for this transfer (anything else is ignored), and queue the small answers owed regardless of
 * the transfer's state (ABORT_ACK to every valid ABORT, UNSUPPORTED_VERSION to a version 1 peer).
 */
import { decodePacket, encodeAbortAck, encodeAbortV1, encodeAck, type Packet } from './codec.ts';

/** A decoded packet of this transfer, or a version 1 datagram of this transfer id. */
export type Incoming = Packet | { kind: 'old-version' };

/** The packet if `datagram` belongs to transfer `transferId`; null: count it as ignored. */
export function readIncoming(datagram: Buffer, transferId: number): Incoming | null {
  const packet = decodePacket(datagram);
  if (packet.kind === 'invalid') {
    const oldPeer = packet.reason === 'OLD_VERSION' && packet.transferId === transferId;
    return oldPeer ? { kind: 'old-version' } : null;
  }
  return packet.transferId === transferId ? packet : null;
}

/** Bounded: a flood of ABORTs draws a few answers, not one each. */
const MAX_OWED = 5;

export class Replies {
  readonly #transferId: number;
  #abortAcks = 0;
  #oldVersion = false;

  constructor(transferId: number) {
    this.#transferId = transferId;
  }

  oweAbortAck(): void {
    this.#abortAcks = Math.min(this.#abortAcks + 1, MAX_OWED);
  }

  /** One ABORT in the old format: an old peer has no ABORT_ACK to stop repeats with. */
  oweOldVersionAbort(): void {
    this.#oldVersion = true;
  }

  poll(): Buffer | null {
    if (this.#abortAcks > 0) {
      this.#abortAcks--;
      return encodeAbortAck(this.#transferId);
    }
    if (this.#oldVersion) {
      this.#oldVersion = false;
      return encodeAbortV1(this.#transferId, 'UNSUPPORTED_VERSION');
    }
    return null;
  }

  ack(next: number, token: bigint, window: number, sack: Buffer): Buffer {
    return encodeAck(this.#transferId, next, token, window, sack.length > 0 ? sack : undefined);
  }
}
