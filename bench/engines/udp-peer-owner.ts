/**
 * The owner's process of a loopback peer point: a chat server and the owner Peer, two hosts of
 * a harness world on the real backend (no impairment). It stays up for a whole sweep; the
 * parent (bench/engines/udp-peer.ts) is the requester. Requests on stdin, answers on stdout (JSON lines):
 *   { type: 'start', folder, transfer } → { port }    server up, owner in the room
 *   { type: 'stats' }                   → SenderCounters | { none: true }   the last upload
 *   { type: 'reset', transfer }         → { ok: true }   a fresh owner (after a time limit)
 *   { type: 'exit' }
 */

import { isMain, parentChannel, runRole } from '../../harness/roles.ts';
import { createWorld, type ServerHandle } from '../../harness/world.ts';
import type { TransferOptionsInput } from '../../impl/arq/index.ts';
import type { Peer } from '../../impl/peer/peer.ts';
import type { TransferEnd } from '../../impl/peer/types.ts';
import { OWNER, ROOM, senderCounters } from './peer-run.ts';

type Request =
  | { type: 'start'; folder: string; transfer: TransferOptionsInput }
  | { type: 'reset'; transfer: TransferOptionsInput }
  | { type: 'stats' }
  | { type: 'exit' };

/** How long a stats request waits for a running upload to end (its ACKs are in flight). */
const UPLOAD_END_WAIT_MS = 5_000;

async function ownerRole(): Promise<void> {
  const parent = parentChannel();
  const world = await createWorld({ backend: 'real', seed: 'udp-peer-owner' });
  let server: ServerHandle | undefined;
  let folder = '';
  let owner: Peer | undefined;
  let running = 0;
  let last: TransferEnd | undefined;
  let ended: (() => void) | undefined;

  const startOwner = async (transfer: TransferOptionsInput) => {
    const peer = world.createPeer(OWNER, { server, folder, transfer });
    peer.on('transfer-start', (info) => {
      if (info.direction === 'upload') running++;
    });
    peer.on('transfer-end', (end) => {
      if (end.direction !== 'upload') return;
      running = Math.max(0, running - 1);
      last = end;
      ended?.();
    });
    await peer.connect();
    await peer.create(ROOM);
    return peer;
  };

  for (;;) {
    const request = await parent.next<Request>();
    if (request.type === 'exit') break;
    if (request.type === 'start') {
      server = await world.startServer({ portTries: 1 });
      folder = request.folder;
      owner = await startOwner(request.transfer);
      parent.send({ port: server.port });
    } else if (request.type === 'reset') {
      await owner?.close();
      running = 0;
      owner = await startOwner(request.transfer);
      parent.send({ ok: true });
    } else {
      if (running > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, UPLOAD_END_WAIT_MS);
          ended = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        ended = undefined;
      }
      parent.send(last ? senderCounters(last) : { none: true });
      last = undefined;
    }
  }
  await world.dispose([() => owner?.close()], 'benchmark over');
}

if (isMain(import.meta.url)) await runRole(ownerRole);
