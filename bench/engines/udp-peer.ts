/**
 * The real peer code over real loopback UDP: a child process runs the chat server and the
 * owner Peer; this process runs the requester Peer and downloads with getFile. Wall clock.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RoleProcess, spawnRole } from '../../harness/roles.ts';
import { Peer } from '../../impl/peer/peer.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { ContentCache } from './content.ts';
import type { SenderCounters } from './outcome.ts';
import {
  type Download,
  download,
  joinOutcome,
  peerTransferOptions,
  REQUESTER,
  ROOM,
} from './peer-run.ts';
import { stopRole, wallTimeLimit } from './roles.ts';
import { ScratchFolder } from './scratch.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';

export class UdpPeerEngine implements TransferEngine {
  readonly #content = new ContentCache();
  readonly #platform = createNodePlatform();
  readonly #scratch = new ScratchFolder();
  #child: RoleProcess | undefined;
  #port = 0;
  #requester: Peer | undefined;
  #transferKey = '';

  async run(point: PointSpec): Promise<TransferOutcome> {
    const dir = await this.#scratch.path();
    const share = join(dir, 'share');
    const downloads = join(dir, 'downloads');
    await mkdir(share, { recursive: true });
    await mkdir(downloads, { recursive: true });
    await this.#scratch.contentFile(share, this.#content.get(point.fileBytes).bytes);
    const transfer = peerTransferOptions(point);
    const child = await this.#owner(share, transfer);
    const requester = await this.#requesterPeer(share);
    const limit = wallTimeLimit(point.timeLimitS, () => void requester.close());
    let received: Download;
    try {
      received = await download(requester, point, downloads);
    } finally {
      limit.clear();
    }
    if (received.path) await rm(received.path, { force: true });
    if (limit.expired) {
      // The owner may still be sending into the void: start both sides afresh.
      await this.#stopOwner(0);
      this.#requester = undefined;
      return joinOutcome({ status: 'TIME_LIMIT' }, undefined);
    }
    child.send({ type: 'stats' });
    const sent = await child.next<SenderCounters | { none: true }>();
    return joinOutcome(received, 'none' in sent ? undefined : sent);
  }

  async #owner(share: string, transfer: object): Promise<RoleProcess> {
    const key = JSON.stringify(transfer);
    if (this.#child === undefined) {
      this.#child = spawnRole(new URL('./udp-peer-owner.ts', import.meta.url).href, ['owner']);
      this.#child.send({ type: 'start', folder: share, transfer });
      this.#port = (await this.#child.next<{ port: number }>()).port;
      this.#transferKey = key;
    } else if (key !== this.#transferKey) {
      this.#child.send({ type: 'reset', transfer });
      await this.#child.next();
      this.#transferKey = key;
    }
    return this.#child;
  }

  async #requesterPeer(share: string): Promise<Peer> {
    if (this.#requester === undefined) {
      const peer = new Peer({
        platform: this.#platform,
        name: REQUESTER,
        server: { host: '127.0.0.1', port: this.#port },
        folder: share,
      });
      await peer.connect();
      await peer.join(ROOM);
      this.#requester = peer;
    }
    return this.#requester;
  }

  /** Asks the owner's process to leave, and kills it if it has not after `graceMs`. */
  async #stopOwner(graceMs: number): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    await stopRole(child, graceMs);
  }

  async close(): Promise<void> {
    await this.#requester?.close();
    this.#requester = undefined;
    await this.#stopOwner(3_000);
    await this.#scratch.remove();
  }
}
