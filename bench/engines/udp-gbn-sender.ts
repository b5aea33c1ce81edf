/**
 * The sending process of a loopback Go-Back-N point: it stays up for a whole sweep and runs one
 * TransferSender per request from the parent (bench/engines/udp-gbn.ts), over the real platform.
 */

import { isMain, parentChannel, runRole } from '../../harness/roles.ts';
import { type TransferOptionsInput, TransferSender } from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { Platform } from '../../impl/platform/types.ts';
import { countersOf, type SenderCounters } from './outcome.ts';

export interface SendRequest {
  type: 'send';
  path: string;
  sha256: string;
  port: number;
  transferId: number;
  options: TransferOptionsInput;
}

export type SendReply = SenderCounters;

async function senderRole(): Promise<void> {
  const parent = parentChannel();
  const platform = createNodePlatform();
  let current: TransferSender | undefined;
  parent.send({ ready: true });
  for (;;) {
    const request = await parent.next<SendRequest | { type: 'abort' } | { type: 'exit' }>();
    if (request.type === 'exit') return;
    if (request.type === 'abort') current?.abort('benchmark time limit');
    else {
      current = await startSender(platform, request);
      void report(current).then((reply) => parent.send(reply));
    }
  }
}

async function startSender(platform: Platform, request: SendRequest): Promise<TransferSender> {
  const socket = platform.dgram.createSocket();
  await socket.bind(0, '127.0.0.1');
  const file = await platform.fs.openRead(request.path);
  return new TransferSender({
    platform,
    socket,
    peer: { address: '127.0.0.1', port: request.port },
    transferId: request.transferId,
    file,
    sha256: Buffer.from(request.sha256, 'hex'),
    options: request.options,
  });
}

async function report(sender: TransferSender): Promise<SendReply> {
  let status = 'ok';
  try {
    await sender.done;
  } catch (error) {
    if (!isWhohasError(error)) throw error;
    status = error.code;
  }
  return countersOf(status, sender.stats);
}

if (isMain(import.meta.url)) await runRole(senderRole);
