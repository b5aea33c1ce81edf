/**
 * The real peer code on the simulator: a chat server and two Peers on three hosts; the owner
 * shares the file, the requester runs getFile over the point's path (the owner ↔ requester
 * link); chat traffic rides the default LAN to the server and never crosses that path.
 */
import { ChatServer } from '../../impl/chat/index.ts';
import { Peer } from '../../impl/peer/peer.ts';
import type { PointSpec } from '../sweep/spec.ts';
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
import { pointSimulator } from './sim-setup.ts';
import type { TransferEngine, TransferOutcome } from './types.ts';

export class SimPeerEngine implements TransferEngine {
  readonly #content = new ContentCache();

  async run(point: PointSpec): Promise<TransferOutcome> {
    const content = this.#content.get(point.fileBytes);
    const { sim, hosts } = pointSimulator(point, ['server', OWNER, REQUESTER], OWNER, REQUESTER);
    const { server: serverHost, [OWNER]: ownerHost, [REQUESTER]: requesterHost } = hosts;
    ownerHost.files.write(`/share/${fileNameFor(point.fileBytes)}`, content.bytes);
    requesterHost.files.mkdir('/share');
    requesterHost.files.mkdir('/downloads');
    const transfer = peerTransferOptions(point);
    const server = new ChatServer({
      platform: serverHost.platform,
      host: serverHost.address,
      port: 50000,
    });
    const { port } = await sim.until(server.listen());
    const peer = (host: typeof ownerHost, name: string) =>
      new Peer({
        platform: host.platform,
        name,
        server: { host: serverHost.address, port },
        folder: '/share',
        transfer,
      });
    const owner = peer(ownerHost, OWNER);
    const requester = peer(requesterHost, REQUESTER);
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
