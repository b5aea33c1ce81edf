import { WhohasError } from '../errors.ts';
import { decodePacket, type Packet, SHA256_BYTES } from './codec.ts';

/** What a datagram is to one transfer's core. */
export type Inbound =
  | Packet
  /** A version 1 datagram of this transfer: the peer is an old build. */
  | { kind: 'old-version' }
  /** Undecodable or another transfer's: counted in `ignored`, nothing else. */
  | { kind: 'foreign' };

const FOREIGN: Inbound = Object.freeze({ kind: 'foreign' });
const OLD: Inbound = Object.freeze({ kind: 'old-version' });

export function classify(datagram: Buffer, transferId: number): Inbound {
  const packet = decodePacket(datagram);
  if (packet.kind === 'invalid') {
    return packet.reason === 'OLD_VERSION' && packet.transferId === transferId ? OLD : FOREIGN;
  }
  return packet.transferId === transferId ? packet : FOREIGN;
}

function bad(message: string): never {
  throw new WhohasError('BAD_ARGUMENT', message);
}

export const isU32 = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff;

export function checkTransferId(transferId: number): void {
  if (!isU32(transferId)) bad('transferId must be a 32-bit unsigned integer');
}

/** The sender's construction arguments, checked at once (misuse throws BAD_ARGUMENT). */
export function checkSenderInit(init: {
  transferId: number;
  isn: number;
  token: bigint;
  fileSize: number;
  sha256: Uint8Array | null;
  now: number;
}): void {
  checkTransferId(init.transferId);
  if (!isU32(init.isn)) bad('isn must be a 32-bit unsigned integer');
  if (typeof init.token !== 'bigint' || init.token < 0n || init.token >= 2n ** 64n) {
    bad('token must be a 64-bit unsigned bigint');
  }
  if (!Number.isSafeInteger(init.fileSize) || init.fileSize < 0) bad('bad file size');
  if (init.sha256 !== null && init.sha256?.length !== SHA256_BYTES) {
    bad('sha256 must be 32 bytes (or null: FIN carries it)');
  }
  if (!Number.isFinite(init.now)) bad('now must be a finite number of milliseconds');
}

/** A core built with options naming another scheme: the driver picked the wrong core. */
export function schemeMisuse(core: string, arq: string): WhohasError {
  return new WhohasError('BAD_ARGUMENT', `a ${core} core cannot run options.arq '${arq}'`);
}
