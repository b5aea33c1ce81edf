/**
 * A bare Go-Back-N pair on the simulator, two hosts of a harness world (harness/world.ts):
 * TransferSender on one host, TransferReceiver on the other, the point's path between them. No
 * chat, no peers: the protocol alone, as the model describes it.
 */
import { createWorld } from '../../harness/world.ts';
import { TransferReceiver, TransferSender } from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { pointPaths } from '../sweep/paths.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { captureOptions, writeCapture } from './capture.ts';
import { ContentCache } from './content.ts';
import { transferOptions } from './options.ts';
import { outcome } from './outcome.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';

export class SimGbnEngine implements TransferEngine {
  readonly #content = new ContentCache();

  async run(point: PointSpec): Promise<TransferOutcome> {
    const content = this.#content.get(point.fileBytes);
    const world = await createWorld({
      backend: 'sim',
      seed: point.seed,
      simulator: captureOptions(point),
    });
    const sim = world.sim!;
    const [senderHost, receiverHost] = ['sender', 'receiver'].map((n) => world.simHost(n));
    // The point's path: data flows sender → receiver, ACKs back.
    const paths = pointPaths(point);
    sim.connect(senderHost, receiverHost, paths.data, paths.ack);
    senderHost.files.write('/share/file.bin', content.bytes);
    receiverHost.files.mkdir('/downloads');
    const options = transferOptions(point);
    const transferId = transferIdFor(point.seed);
    const setup = async () => {
      const senderSocket = senderHost.platform.dgram.createSocket();
      const receiverSocket = receiverHost.platform.dgram.createSocket();
      const receiverAddress = await receiverSocket.bind(0);
      await senderSocket.bind(0);
      const file = await senderHost.platform.fs.openRead('/share/file.bin');
      const receiver = new TransferReceiver({
        platform: receiverHost.platform,
        socket: receiverSocket,
        peerAddress: senderHost.address,
        transferId,
        dir: '/downloads',
        name: 'file.bin',
        options,
      });
      const sender = new TransferSender({
        platform: senderHost.platform,
        socket: senderSocket,
        peer: { address: receiverHost.address, port: receiverAddress.port },
        transferId,
        file,
        sha256: content.sha256,
        options,
      });
      return { sender, receiver };
    };
    const { sender, receiver } = await sim.until(setup());
    try {
      const [, received] = await sim.until(Promise.all([sender.done, receiver.done]));
      return outcome('ok', received.stats, sender.stats);
    } catch (error) {
      if (!isWhohasError(error)) throw error;
      return outcome(error.code, receiver.stats, sender.stats);
    } finally {
      await writeCapture(sim, point);
    }
  }

  async close(): Promise<void> {}
}

/** A nonzero 32-bit id that depends only on the seed (the run stays replayable). */
export function transferIdFor(seed: number): number {
  return (seed * 2654435761) >>> 0 || 1;
}
