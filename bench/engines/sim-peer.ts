/**
 * The real peer code on the simulator, in a harness world (harness/world.ts): a chat server and
 * two Peers on three hosts; the owner shares the file, the requester runs getFile over the
 * point's path (the owner ↔ requester link); chat traffic rides the default LAN to the server
 * and never crosses that path.
 */
import { createWorld } from '../../harness/world.ts';
import { pointPaths } from '../sweep/paths.ts';
import type { PointSpec } from '../sweep/spec.ts';
import { captureOptions, writeCapture } from './capture.ts';
import { ContentCache } from './content.ts';
import {
  download,
  fileNameFor,
  joinOutcome,
  nextUploadEnd,
  OWNER,
  peerTransferOptions,
  REQUESTER,
  ROOM,
  senderCounters,
} from './peer-run.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';

export class SimPeerEngine implements TransferEngine {
  readonly #content = new ContentCache();

  async run(point: PointSpec): Promise<TransferOutcome> {
    const content = this.#content.get(point.fileBytes);
    const world = await createWorld({
      backend: 'sim',
      seed: point.seed,
      simulator: captureOptions(point),
    });
    const sim = world.sim!;
    try {
      return await this.#run(point, world, content);
    } finally {
      await writeCapture(sim, point);
    }
  }

  async #run(
    point: PointSpec,
    world: Awaited<ReturnType<typeof createWorld>>,
    content: ReturnType<ContentCache['get']>,
  ): Promise<TransferOutcome> {
    const sim = world.sim!;
    // Hosts in this order (addresses follow it); the point's path joins owner and requester.
    const [, ownerHost, requesterHost] = ['server', OWNER, REQUESTER].map((n) => world.simHost(n));
    const paths = pointPaths(point);
    sim.connect(ownerHost, requesterHost, paths.data, paths.ack);
    ownerHost.files.write(`/share/${fileNameFor(point.fileBytes)}`, content.bytes);
    requesterHost.files.mkdir('/share');
    requesterHost.files.mkdir('/downloads');
    const transfer = peerTransferOptions(point);
    await world.startServer({ port: 50000 });
    const owner = world.createPeer(OWNER, { folder: '/share', transfer });
    const requester = world.createPeer(REQUESTER, { folder: '/share', transfer });
    await sim.until(
      (async () => {
        await owner.connect();
        await owner.create(ROOM);
        await requester.connect();
        await requester.join(ROOM);
      })(),
    );
    const uploadEnd = nextUploadEnd(owner);
    const received = await sim.until(download(requester, point, '/downloads'));
    const sent = await sim.until(uploadEnd);
    return joinOutcome(received, senderCounters(sent));
  }

  async close(): Promise<void> {}
}
