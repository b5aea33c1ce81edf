/**
 * Murphy's law on the datagram path: loss (total, heavy, bursty, ACKs only), reordering,
 * duplication, corruption, asymmetric paths, spoofed datagrams, and either end crashing. A
 * transfer either completes byte-identical or ends with a clear error on both sides in bounded
 * time, leaving no partial file and freeing the owner's slot.
 */
import { encodeAbort, encodeAck, encodeData, encodeFin, encodeStart } from '../impl/arq/codec.ts';
import { family, type LinkProfile, type Scenario } from './format.ts';
import { invariant } from './invariants.ts';
import { nextTransferEnd, nextTransferStart, ownerAndRequester, startedDownload } from './swarm.ts';

const FAILED = ['ALL_RESPONDERS_FAILED', 'TRANSFER_TIMEOUT', 'TRANSFER_ABORTED', 'PEER_GONE'];

/** A download of `bytes` under the scenario's link must complete byte-identical. */
function completesUnder(
  name: string,
  description: string,
  link: LinkProfile,
  bytes: number,
  tags: string[] = [],
): Omit<Scenario, 'tags'> & { tags: string[] } {
  return {
    name,
    description,
    tags,
    link,
    async script(world) {
      // Loopback has no virtual clock: every timeout is real, so real runs move less data.
      const swarm = await ownerAndRequester(
        world,
        world.transport === 'sim' ? bytes : Math.min(bytes, 20_000),
      );
      await swarm.expectDownload('alice', 'bob', 'data.bin');
    },
  };
}

export const transferFaults = family('transfers', [
  {
    name: 'loss-100',
    description:
      'Every datagram lost: a clean abort on both sides, in bounded time, no partial file',
    tags: [],
    link: { loss: 1 },
    async script(world) {
      const swarm = await ownerAndRequester(world, 50_000, { ownerOptions: { parallel: 1 } });
      const bob = swarm.get('bob');
      const upload = nextTransferEnd(bob);
      await swarm.expectFailure('alice', 'bob', 'data.bin', FAILED);
      const end = await world.until(upload);
      invariant(end.error !== undefined, "bob's upload ended without an error under total loss");
      invariant(bob.peer.uploads.length === 0, 'the upload slot was not freed');
    },
  },
  completesUnder(
    'loss-30',
    '30 % i.i.d. loss both ways: completes intact',
    { loss: 0.3 },
    120_000,
    ['real'],
  ),
  completesUnder(
    'burst-loss',
    'Gilbert-Elliott burst loss (bursts of 4 packets on average, 70 % lost): completes intact',
    { burstLoss: { pGoodToBad: 0.02, pBadToGood: 0.25, lossGood: 0, lossBad: 0.7 } },
    200_000,
  ),
  completesUnder(
    'reordering',
    '20 % of datagrams delayed past their successors: completes intact',
    { reorder: 0.2, reorderDelayMs: 2 },
    200_000,
    ['real'],
  ),
  completesUnder(
    'duplication',
    '30 % of datagrams duplicated: completes intact',
    { duplicate: 0.3 },
    200_000,
    ['real'],
  ),
  completesUnder(
    'corruption',
    '10 % of datagrams corrupted (CRC catches them): completes intact',
    { corrupt: 0.1 },
    200_000,
    ['real'],
  ),
  completesUnder(
    'ack-loss',
    '40 % loss on the requester→owner direction only (ACKs): completes intact',
    { forward: { loss: 0.4 }, reverse: 'lan' },
    200_000,
    ['real'],
  ),
  completesUnder(
    'asymmetric',
    'Slow narrow ACK path, fast wide data path: completes intact',
    {
      forward: { delayMs: 40, bandwidthBps: 256e3, jitter: { kind: 'uniform', maxMs: 5 } },
      reverse: { delayMs: 3, bandwidthBps: 50e6 },
    },
    300_000,
  ),
  {
    name: 'spoofed-datagrams',
    description: 'A third host sprays forged DATA/START/FIN/ACK/ABORT with the live transfer id',
    tags: [],
    link: { bandwidthBps: 10e6, delayMs: 1 },
    async script(world) {
      const swarm = await ownerAndRequester(world, 300_000);
      const started = nextTransferStart(swarm.get('alice'));
      const download = swarm.start('alice', 'bob', 'data.bin');
      const { transferId } = await world.until(started);
      const mallory = world.host('mallory').platform;
      const socket = mallory.dgram.createSocket();
      await world.until(socket.bind(0));
      const forged = [
        // Version 2: the forger knows the transfer id (it is on the chat line), not the ISN or
        // the token, so it guesses small sequence numbers and a token of its own.
        encodeStart({
          transferId,
          isn: 5,
          fileSize: 5,
          sha256: Buffer.alloc(32, 7),
          window: 16,
          scheme: 'gbn',
          token: 0x0bad_cafen,
        }),
        ...[0, 1, 2, 3, 50].map((seq) => encodeData(transferId, seq, Buffer.from('forged data'))),
        encodeFin(transferId, 3),
        encodeAck(transferId, 1_000_000, 0x0bad_cafen, 16),
        encodeAbort(transferId, 'TRANSFER_ABORTED', 0x0bad_cafen),
        Buffer.from('not a packet at all'),
      ];
      const targets = [world.host('alice').address, world.host('bob').address];
      for (let round = 0; round < 10; round++) {
        for (const address of targets) {
          for (let port = 49_152; port < 49_152 + 16; port++) {
            for (const datagram of forged) socket.send(datagram, port, address);
          }
        }
        await world.sleep(10);
      }
      const got = await world.until(download);
      invariant(got.ok, `the download failed under spoofing: ${got.error?.message}`);
      invariant(got.result.stats.ignored > 0, 'no forged datagram reached the receiver');
      await world.until(socket.close());
    },
  },
  {
    name: 'sender-crash',
    description: 'The owner crashes mid-transfer: the requester aborts clearly, no partial file',
    tags: [],
    link: { bandwidthBps: 4e6, delayMs: 2 },
    async script(world) {
      const swarm = await ownerAndRequester(world, 400_000, { others: ['carol'] });
      const { download } = await startedDownload(world, swarm);
      await world.sleep(20 + Math.floor(world.random() * 300));
      world.crash('bob');
      swarm.get('bob').retired = true;
      const got = await world.until(download);
      invariant(!got.ok, 'the download completed from a crashed owner');
      invariant(
        [...FAILED, 'SERVER_GONE'].includes(got.error.code),
        `unexpected ${got.error.code}: ${got.error.message}`,
      );
    },
  },
  {
    name: 'receiver-crash',
    description: 'The requester crashes mid-transfer: the owner aborts and frees its only slot',
    tags: [],
    link: { bandwidthBps: 4e6, delayMs: 2 },
    async script(world) {
      const swarm = await ownerAndRequester(world, 400_000, {
        ownerOptions: { parallel: 1 },
        others: ['carol'],
      });
      const bob = swarm.get('bob');
      await startedDownload(world, swarm);
      const ended = nextTransferEnd(bob);
      await world.sleep(20 + Math.floor(world.random() * 300));
      world.crash('alice');
      swarm.get('alice').retired = true;
      const end = await world.until(ended);
      invariant(end.error !== undefined, "bob's upload to a crashed requester ended without error");
      invariant(bob.peer.uploads.length === 0, "bob's upload slot was not freed");
      // Liveness after healing: carol downloads from bob, which needs that one slot.
    },
  },
]);
