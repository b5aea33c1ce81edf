/**
 * A bare Go-Back-N pair over real loopback UDP: the receiver in this process, the sender in a
 * child process (so the two do not share one event loop), wall-clock throughput.
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWhohasError } from '../../impl/errors.ts';
import { GbnReceiver } from '../../impl/gbn/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { type RoleProcess, spawnRole } from '../baselines/process.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { ContentCache } from './content.ts';
import { transferOptions } from './options.ts';
import { stopRole } from './roles.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';
import type { SendReply, SendRequest } from './udp-gbn-sender.ts';

export class UdpGbnEngine implements TransferEngine {
  readonly #content = new ContentCache();
  readonly #platform = createNodePlatform();
  readonly #files = new Map<number, string>();
  #dir: string | undefined;
  #child: RoleProcess | undefined;

  async run(point: PointSpec): Promise<TransferOutcome> {
    this.#dir ??= await mkdtemp(join(tmpdir(), 'whohas-bench-'));
    const dir = this.#dir;
    const content = this.#content.get(point.fileBytes);
    let path = this.#files.get(point.fileBytes);
    if (path === undefined) {
      path = join(dir, `file-${point.fileBytes}.bin`);
      await writeFile(path, content.bytes);
      this.#files.set(point.fileBytes, path);
    }
    const child = await this.#sender();
    const socket = this.#platform.dgram.createSocket();
    const { port } = await socket.bind(0, '127.0.0.1');
    const transferId = randomInt(1, 2 ** 32);
    const options = transferOptions(point);
    const receiver = new GbnReceiver({
      platform: this.#platform,
      socket,
      peerAddress: '127.0.0.1',
      transferId,
      dir,
      name: `received-${transferId}.bin`,
      options,
    });
    const request: SendRequest = {
      type: 'send',
      path,
      sha256: content.sha256.toString('hex'),
      port,
      transferId,
      options,
    };
    child.send(request);
    let status = 'ok';
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      receiver.abort(`benchmark time limit of ${point.timeLimitS} s`);
      child.send({ type: 'abort' });
    }, point.timeLimitS * 1000);
    try {
      const received = await receiver.done;
      await rm(received.path, { force: true });
    } catch (error) {
      if (!isWhohasError(error)) throw error;
      status = timedOut ? 'TIME_LIMIT' : error.code;
    } finally {
      clearTimeout(limit);
    }
    const sent = await child.next<SendReply>();
    const stats = receiver.stats;
    return {
      status: status === 'ok' ? sent.status : status,
      bytes: stats.bytes,
      seconds: stats.seconds,
      packetsSent: sent.packetsSent,
      retransmits: sent.retransmits,
      timeouts: sent.timeouts,
      srttMs: sent.srttMs,
      rtoMs: sent.rtoMs,
    };
  }

  async #sender(): Promise<RoleProcess> {
    if (this.#child === undefined) {
      this.#child = spawnRole(new URL('./udp-gbn-sender.ts', import.meta.url).href, ['sender']);
      await this.#child.next();
    }
    return this.#child;
  }

  async close(): Promise<void> {
    if (this.#child !== undefined) await stopRole(this.#child, 3_000);
    this.#child = undefined;
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#files.clear();
  }
}
