/**
 * What both peer engines share: the owner's Peer options for a point, and one download through
 * the real peer code (getFile from the owner, who answers whohas and runs the upload by itself)
 * with the owner's upload statistics joined to the requester's download statistics.
 */

import type { TransferStats } from '../../impl/arq/index.ts';
import { isWhohasError, WhohasError } from '../../impl/errors.ts';
import type { Peer } from '../../impl/peer/peer.ts';
import type { TransferEnd } from '../../impl/peer/types.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { transferOptions } from './options.ts';
import { countersOf, outcome, type SenderCounters } from './outcome.ts';
import type { TransferOutcome } from './types.ts';

export const ROOM = 'bench';
export const OWNER = 'owner';
export const REQUESTER = 'requester';

export function fileNameFor(size: number): string {
  return `file-${size}.bin`;
}

/** Transfer settings beyond scheme, window and packet size (those travel with each request). */
export function peerTransferOptions(point: PointSpec) {
  const { window: _window, packetSize: _packetSize, arq: _arq, ...rest } = transferOptions(point);
  return rest;
}

/** Resolves with the end of the next upload the owner reports. */
export function nextUploadEnd(owner: Peer): Promise<TransferEnd> {
  return new Promise((resolve) => {
    const listener = (end: TransferEnd) => {
      if (end.direction !== 'upload') return;
      owner.off('transfer-end', listener);
      resolve(end);
    };
    owner.on('transfer-end', listener);
  });
}

export interface Download {
  stats?: TransferStats;
  path?: string;
  status: string;
}

/** getFile from the owner; a failed transfer is an outcome, not an exception. */
export async function download(
  requester: Peer,
  point: PointSpec,
  outDir: string,
): Promise<Download> {
  let failure: WhohasError | undefined;
  const onEnd = (end: TransferEnd) => {
    if (end.direction === 'download' && end.error) failure = end.error;
  };
  requester.on('transfer-end', onEnd);
  try {
    const result = await requester.getFile(OWNER, fileNameFor(point.fileBytes), {
      window: point.window,
      arq: point.arq,
      packetSize: point.packetSize,
      outDir,
    });
    return { stats: result.stats, path: result.path, status: 'ok' };
  } catch (error) {
    if (!isWhohasError(error)) throw error;
    return { status: (failure ?? error).code };
  } finally {
    requester.off('transfer-end', onEnd);
  }
}

/** The download's timing with the upload's counters (retransmissions live on the sender). */
export function joinOutcome(received: Download, sent: SenderCounters | undefined): TransferOutcome {
  const status =
    received.status === 'ok' && sent?.status && sent.status !== 'ok'
      ? sent.status
      : received.status;
  return outcome(status, received.stats ?? { bytes: 0, seconds: 0 }, countersOf(status, sent));
}

export function senderCounters(end: TransferEnd): SenderCounters {
  return countersOf(end.error ? end.error.code : 'ok', end.stats);
}

export function unexpected(message: string): never {
  throw new WhohasError('INVARIANT', message);
}
