/**
 * Murphy's law across NATs (issue 11, "Across NATs"): peers behind the NAT boxes of sim/nat.ts
 * punch a direct path or fall back to the server's relay (docs/PROTOCOL.md, "NAT traversal"), and
 * things go wrong: NATs that filter the first probes, symmetric NATs that defeat punching, a
 * mapping that would time out during a long quiet spell, a NAT that reboots mid-transfer, a relay
 * quota smaller than the file, a stranger's forged probes. Each transfer completes byte-identical
 * or ends with a clear code in bounded time, with no partial file, and the rest keeps working.
 */
import { encodeProbe } from '../impl/nat/punch.ts';
import { proves } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';
import { impairNatPaths, NAT_ON, natPair } from './nat-swarm.ts';
import { CONES, quietTransfer, restartMidTransfer } from './nat-timeouts.ts';
import { nextTransferEnd } from './swarm.ts';

const FAILED = ['ALL_RESPONDERS_FAILED', 'TRANSFER_TIMEOUT', 'TRANSFER_ABORTED', 'PEER_GONE'];

const WRONG_TOKEN = Buffer.from('0badc0ffee0badc0', 'hex');
const isSending = (line: string) => line.split('|')[1] === 'sending';

/** The server-reflexive candidates (`s-<address>-<port>`) in a line's `cand=` field. */
function reflexive(line: string): Array<{ address: string; port: number }> {
  const cand = line.split('|').find((f) => f.startsWith('cand='));
  return (cand?.slice('cand='.length).split(',') ?? [])
    .map((c) => /^s-(.+)-(\d+)$/.exec(c))
    .filter((m) => m !== null)
    .map((m) => ({ address: m[1], port: Number(m[2]) }));
}

export const nat = family('nat', [
  {
    name: 'punch-direct',
    description:
      'Both peers behind restricted cone NATs: the first probes are filtered, then the punched path carries the file',
    link: 'lan',
    evidence: proves('nat.filteredInbound', 'transfer.direct'),
    async script(world) {
      // Address- or port-restricted by the seed: both filter what their mapping has not sent to.
      const site = world.random() < 0.5 ? 'address-restricted' : 'port-restricted';
      const { swarm } = await natPair(world, { alice: site, bob: site, bytes: 200_000 });
      const got = await swarm.expectDownload('alice', 'bob', 'data.bin');
      invariant(got.route === 'direct', `went ${got.route} between two ${site} NATs`);
      invariant(got.pair?.kind !== 'relay', `punched pair is ${got.pair?.kind}`);
    },
  },
  {
    name: 'symmetric-relay',
    description:
      'Both peers behind symmetric NATs, 3 % loss on every path: punching fails, the relay carries the file intact',
    link: { loss: 0.03 },
    evidence: proves('nat.filteredInbound', 'relay.bytesRelayed', 'transfer.relayed', 'net.lost'),
    async script(world) {
      const { swarm } = await natPair(world, {
        alice: 'symmetric',
        bob: 'symmetric',
        bytes: 150_000,
      });
      impairNatPaths(world);
      const got = await swarm.expectDownload('alice', 'bob', 'data.bin');
      invariant(got.route === 'relay', `went ${got.route} between two symmetric NATs`);
    },
  },
  {
    name: 'mapping-timeout',
    description:
      "Mappings time out after 20 s, the owner's disk stalls 45 s mid-file: only the 15 s keepalive holds the transfer's mappings, the file arrives intact",
    link: 'lan',
    // The transfer went quiet longer than the NAT's timeout (nat.quietMs), the sockets did not.
    evidence: proves({ counter: 'nat.quietMs', atLeast: 20_001 }, 'transfer.direct'),
    budget: { faultMs: 240_000 },
    async script(world) {
      const quiet = await quietTransfer(world, { mappingTimeoutMs: 20_000, stallMs: 45_000 });
      const got = quiet.outcome;
      invariant(got.ok, `the download failed: ${got.error?.code} ${got.error?.message}`);
      invariant(quiet.socketQuietMs < 20_000, `a socket was quiet ${quiet.socketQuietMs} ms`);
      invariant(quiet.lost.length === 0, `mappings expired: ${quiet.lost.join(', ')}`);
    },
  },
  {
    name: 'mapping-timeout-under-keepalive',
    description:
      "Mappings time out after 10 s, under the 15 s keepalive, the owner's disk stalls 45 s mid-file: the transfer's mappings expire and the download fails cleanly (the premise of mapping-timeout)",
    link: 'lan',
    evidence: proves('nat.mappingsExpired', { counter: 'nat.quietMs', atLeast: 10_001 }),
    budget: { faultMs: 240_000 },
    async script(world) {
      const quiet = await quietTransfer(world, { mappingTimeoutMs: 10_000, stallMs: 45_000 });
      const got = quiet.outcome;
      invariant(!got.ok, 'the download survived a mapping that expired under it');
      invariant(FAILED.includes(got.error.code), `failed with ${got.error.code}`);
      invariant(quiet.lost.length > 0, 'no mapping of the transfer expired');
    },
  },
  {
    name: 'restart',
    description:
      "The requester's port-preserving cone NAT reboots mid-transfer: her next ACK or keepalive probe (within 15 s) makes the same mapping again, the file arrives intact",
    link: { bandwidthBps: 4e6, delayMs: 2 },
    evidence: proves('nat.restarts', 'nat.mappingsDropped'),
    budget: { faultMs: 180_000 },
    async script(world) {
      const { outcome, site } = await restartMidTransfer(world, {
        portPreservation: true,
        sites: CONES,
      });
      invariant(
        outcome.ok,
        `behind ${site} NATs: ${outcome.error?.code} ${outcome.error?.message}`,
      );
    },
  },
  {
    name: 'restart-relay',
    description:
      "The requester's symmetric NAT reboots mid-transfer over the relay and maps her anew, on the same port or (by the seed) another: her relay socket binds again after 1 s without a frame from the relay, the relay re-points her side, the file arrives intact",
    link: { bandwidthBps: 4e6, delayMs: 2 },
    evidence: proves('nat.restarts', 'nat.mappingsDropped', 'relay.bytesRelayed'),
    budget: { faultMs: 180_000 },
    async script(world) {
      const portPreservation = world.random() < 0.5;
      const { swarm, outcome } = await restartMidTransfer(world, {
        portPreservation,
        sites: ['symmetric'],
      });
      const ports = portPreservation ? 'same' : 'new';
      invariant(outcome.ok, `${ports} ports: ${outcome.error?.code} ${outcome.error?.message}`);
      if (portPreservation) return;
      // Her chat connection's mapping moved too (she is deaf, as in restart-new-ports): the
      // liveness checks that follow need a peer the server can reach.
      swarm.get('alice').retired = true;
      await swarm.add({ name: 'alice2', host: 'alice', options: { nat: NAT_ON } });
    },
  },
  {
    name: 'restart-new-ports',
    description:
      "The requester's cone NAT reboots mid-transfer and maps anew on other ports: the owner's connected socket cannot follow, the download fails cleanly; a fresh download succeeds (over the relay it heals: restart-relay)",
    link: { bandwidthBps: 4e6, delayMs: 2 },
    evidence: proves('nat.restarts', 'nat.mappingsDropped', 'transfer.failed'),
    budget: { faultMs: 180_000 },
    async script(world) {
      const { swarm, outcome, site } = await restartMidTransfer(world, {
        portPreservation: false,
        sites: CONES,
      });
      invariant(!outcome.ok, `behind ${site} NATs the download survived its new ports`);
      invariant(FAILED.includes(outcome.error.code), `failed with ${outcome.error.code}`);
      // Her chat connection's mapping moved too: the server's lines to her old port are
      // filtered, so she is deaf (a real TCP would be reset). She logs in again and fetches.
      swarm.get('alice').retired = true;
      await swarm.add({ name: 'alice2', host: 'alice', options: { nat: NAT_ON } });
      await swarm.expectDownload('alice2', 'bob', 'data.bin');
    },
  },
  {
    name: 'relay-over-quota',
    description:
      "The relay's per-user quota is smaller than the file: the relay refuses the transfer and both sides end it with RELAY_REFUSED within 5 s of the quota running out; another pair's relay keeps working",
    link: 'lan',
    evidence: proves('relay.overQuota', 'transfer.failed', 'transfer.relayed'),
    async script(world) {
      const { swarm, served } = await natPair(world, {
        alice: 'symmetric',
        bob: 'symmetric',
        bytes: 300_000,
        relay: { userQuotaBytes: 100_000 },
        others: { owner: 'carol', requester: 'dave', site: 'symmetric', bytes: 30_000 },
      });
      const relay = served.service.relay;
      invariant(relay !== undefined, 'the server has no relay');
      const ownerEnd = nextTransferEnd(swarm.get('bob'));
      const download = swarm.start('alice', 'bob', 'data.bin');
      await world.eventually(
        () => relay.stats.overQuota > 0,
        () => 'the relay quota was never used up',
        1,
      );
      const usedUpAt = world.backend.now();
      const failed = await world.until(download);
      const requesterMs = world.backend.now() - usedUpAt;
      const end = await world.until(ownerEnd);
      const ownerMs = world.backend.now() - usedUpAt;
      world.natNotes['relay.refusedAfterMs'] = Math.round(Math.max(requesterMs, ownerMs));
      invariant(!failed.ok, 'a 300 kB file went through a 100 kB relay quota');
      const said = `${failed.error.code} ${failed.error.message}`;
      invariant(said.includes('RELAY_REFUSED (relay quota used up)'), `alice: ${said}`);
      invariant(
        end.error?.code === 'RELAY_REFUSED',
        `bob: ${end.error?.code} ${end.error?.message}`,
      );
      invariant(requesterMs < 5_000 && ownerMs < 5_000, `ended ${requesterMs}/${ownerMs} ms late`);
      const other = await swarm.expectDownload('dave', 'carol', 'small.bin');
      invariant(other.route === 'relay', `the other pair went ${other.route}`);
    },
  },
  {
    name: 'stranger-probes',
    description:
      "A stranger sprays forged probes (the live transfer id, a wrong token) and junk at both peers' reflexive ports while they punch: counted, never answered, the file arrives intact",
    // 20 ms each way between the NATs: the punch takes round trips long enough to be sprayed.
    link: { delayMs: 20 },
    evidence: proves('punch.strangers', 'transfer.direct'),
    async script(world) {
      // Full-cone NATs let anyone's datagrams through to a mapped port: the stranger's reach.
      const { swarm } = await natPair(world, {
        alice: 'full-cone',
        bob: 'full-cone',
        bytes: 200_000,
      });
      impairNatPaths(world);
      const bob = swarm.get('bob');
      const alice = swarm.get('alice');
      const mallory = world.host('mallory').platform.dgram.createSocket();
      await world.until(mallory.bind(0));
      const answers: Buffer[] = [];
      mallory.on('message', (msg) => answers.push(msg));
      const ended = nextTransferEnd(alice);
      const download = swarm.start('alice', 'bob', 'data.bin');
      const isGetfile = (line: string) => line.split('|')[1] === 'getfile';
      await world.eventually(
        () => bob.lines.some(isGetfile),
        () => 'no getfile reached bob',
        1,
      );
      // Every 2 ms while they punch: the getfile names alice's reflexive port, bob's sending his.
      let sprayed = 0;
      for (let round = 0; round < 100; round++) {
        const lines = [...bob.lines.filter(isGetfile), ...alice.lines.filter(isSending)];
        const transferId = Number(bob.lines.find(isGetfile)?.split('|')[5]);
        const forged = [
          encodeProbe(1, transferId, WRONG_TOKEN),
          encodeProbe(2, transferId, WRONG_TOKEN),
          world.bytes(17),
          world.bytes(40),
        ];
        for (const { address, port } of lines.flatMap(reflexive)) {
          for (const datagram of forged) mallory.send(datagram, port, address);
          sprayed += forged.length;
        }
        await world.sleep(2);
      }
      invariant(sprayed > 0, 'no reflexive candidate to spray at');
      const got = await world.until(download);
      invariant(got.ok, `the download failed: ${got.error?.code}`);
      const end = await world.until(ended);
      invariant((end.nat?.strangers ?? 0) > 0, 'no forged probe reached alice');
      invariant(answers.length === 0, `the stranger got ${answers.length} answers`);
      await world.until(mallory.close());
    },
  },
]);
