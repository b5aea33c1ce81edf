/**
 * A bare Go-Back-N pair over real loopback UDP: the receiver in this process, the sender in a
 * child process (so the two do not share one event loop), wall-clock throughput.
 */
import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { type RoleProcess, spawnRole } from '../../harness/roles.ts';
import { TransferReceiver } from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { ContentCache } from './content.ts';
import { GBN_ROLES, type SendOrder, type TransferReport } from './gbn-roles.ts';
import { transferOptions } from './options.ts';
import { outcome } from './outcome.ts';
import { stopRole, wallTimeLimit } from './roles.ts';
import { ScratchFolder } from './scratch.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';

export class UdpGbnEngine implements TransferEngine {
  readonly #content = new ContentCache();
  readonly #platform = createNodePlatform();
  readonly #scratch = new ScratchFolder();
  #child: RoleProcess | undefined;

  async run(point: PointSpec): Promise<TransferOutcome> {
    const dir = await this.#scratch.path();
    const content = this.#content.get(point.fileBytes);
    const path = await this.#scratch.contentFile(dir, content.bytes);
    const child = await this.#sender();
    const socket = this.#platform.dgram.createSocket();
    const { port } = await socket.bind(0, '127.0.0.1');
    const transferId = randomInt(1, 2 ** 32);
    const options = transferOptions(point);
    const receiver = new TransferReceiver({
      platform: this.#platform,
      socket,
      peerAddress: '127.0.0.1',
      transferId,
      dir,
      name: `received-${transferId}.bin`,
      options,
    });
    const order: SendOrder = {
      type: 'send',
      path,
      sha256: content.sha256.toString('hex'),
      port,
      transferId,
      options,
    };
    child.send(order);
    let status = 'ok';
    const limit = wallTimeLimit(point.timeLimitS, () => {
      receiver.abort(`benchmark time limit of ${point.timeLimitS} s`);
      child.send({ type: 'abort' });
    });
    try {
      const received = await receiver.done;
      await rm(received.path, { force: true });
    } catch (error) {
      if (!isWhohasError(error)) throw error;
      status = limit.expired ? 'TIME_LIMIT' : error.code;
    } finally {
      limit.clear();
    }
    const sent = await child.next<TransferReport>();
    return outcome(status === 'ok' ? sent.status : status, receiver.stats, sent.stats);
  }

  async #sender(): Promise<RoleProcess> {
    if (this.#child === undefined) {
      this.#child = spawnRole(GBN_ROLES, ['sender']);
      await this.#child.next();
    }
    return this.#child;
  }

  async close(): Promise<void> {
    if (this.#child !== undefined) await stopRole(this.#child, 3_000);
    this.#child = undefined;
    await this.#scratch.remove();
  }
}
