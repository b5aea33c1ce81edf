/**
 * The cores this build runs, by ARQ scheme. The one driver (driver-sender.ts, driver-receiver.ts)
 * runs whichever core the options' `arq` names; adding a scheme is one line in ENGINES.
 */
import { WhohasError } from '../errors.ts';
import type { Scheme } from './codec.ts';
import type { ArqReceiverCore, ArqSenderCore } from './core.ts';
import { GbnReceiverCore } from './gbn-receiver.ts';
import { GbnSenderCore } from './gbn-sender.ts';
import type { TransferOptions } from './options.ts';
import { SrReceiverCore } from './sr-receiver.ts';
import { SrSenderCore } from './sr-sender.ts';

export interface SenderCoreInit {
  transferId: number;
  /** Initial sequence number (START.seq), random. */
  isn: number;
  /** The 64-bit token START carries and every ACK must echo, random. */
  token: bigint;
  fileSize: number;
  /** Null: hash deferred to FIN (file-digest.ts). */
  sha256: Uint8Array | null;
  options: TransferOptions;
  now: number;
}

export interface ReceiverCoreInit {
  transferId: number;
  options: TransferOptions;
  now: number;
}

export type SenderCoreFactory = (init: SenderCoreInit) => ArqSenderCore;
export type ReceiverCoreFactory = (init: ReceiverCoreInit) => ArqReceiverCore;

interface Engine {
  sender: SenderCoreFactory;
  receiver: ReceiverCoreFactory;
}

const ENGINES: Partial<Record<Scheme, Engine>> = {
  gbn: { sender: (init) => new GbnSenderCore(init), receiver: (init) => new GbnReceiverCore(init) },
  sr: { sender: (init) => new SrSenderCore(init), receiver: (init) => new SrReceiverCore(init) },
};

function engine(scheme: Scheme): Engine {
  const found = ENGINES[scheme];
  if (found === undefined) {
    throw new WhohasError('UNSUPPORTED_ARQ', `this build has no ${scheme} transfer engine`);
  }
  return found;
}

/** The schemes this build can run, in wire order. */
export function availableSchemes(): Scheme[] {
  return (Object.keys(ENGINES) as Scheme[]).filter((scheme) => ENGINES[scheme] !== undefined);
}

export function senderCoreFor(scheme: Scheme): SenderCoreFactory {
  return engine(scheme).sender;
}

export function receiverCoreFor(scheme: Scheme): ReceiverCoreFactory {
  return engine(scheme).receiver;
}
