/**
 * Several sources and resume (docs/PROTOCOL.md, "Several sources", "Resume"): one requester on
 * 100 Mbit/s, owners behind 10 Mbit/s uplinks. Four owners must take about a quarter of one
 * owner's time; an owner crashing mid-chunk, or lying (chunks that do not match its tree), must
 * cost nothing but time; a requester that crashes resumes from what it verified. Every
 * completed file is byte-identical, and no partial is left but the resumable chunks of a
 * crashed requester until its new run completes.
 */
import { lyingDisk } from '../harness/disk-faults.ts';
import { proves } from './evidence.ts';
import { family, type LinkProfile } from './format.ts';
import { invariant } from './invariants.ts';
import { buildSwarm, type PeerSpec, type Swarm } from './swarm.ts';
import type { ScenarioWorld } from './world.ts';

/** Owners (added first) send to the requester (added last) over 10 Mbit/s; it sends at 100. */
const UPLINKS: LinkProfile = {
  forward: { bandwidthBps: 100e6, delayMs: 5 },
  reverse: { bandwidthBps: 10e6, delayMs: 5 },
};
const CHUNK = 256 * 1024;
const FILE = 'film.bin';

/** `owners` share the same `bytes` random bytes in 256 KiB chunks; `eko` will fetch them. */
async function swarmOf(
  world: ScenarioWorld,
  owners: string[],
  bytes: number,
  options: Record<string, PeerSpec['options']> = {},
): Promise<Swarm> {
  const data = world.bytes(bytes);
  return buildSwarm(world, [
    ...owners.map((name) => ({
      name,
      files: { [FILE]: data },
      options: { chunkBytes: CHUNK, ...options[name] },
    })),
    { name: 'eko' },
  ]);
}

async function timedDownload(world: ScenarioWorld, swarm: Swarm, sources: number, outDir?: string) {
  const responders = await swarm.whohas('eko', FILE);
  const started = world.elapsedMs();
  const result = await swarm.expectDownload('eko', responders, FILE, { sources, outDir });
  return { result, seconds: (world.elapsedMs() - started) / 1000 };
}

export const transferSources = family('sources', [
  {
    name: 'four-owners',
    description:
      '1 requester on 100 Mbit/s, 4 owners behind 10 Mbit/s uplinks: about a quarter of the one-owner time',
    link: UPLINKS,
    // Two downloads of 32 chunks, each the tree and runs of chunks (1, 2, 4, ... per owner).
    evidence: proves({ counter: 'transfer.completed', atLeast: 2 * 7 }),
    budget: { faultMs: 60_000 },
    async script(world) {
      const swarm = await swarmOf(world, ['ann', 'bob', 'cat', 'dan'], 32 * CHUNK);
      const one = await timedDownload(world, swarm, 1, swarm.get('eko').host.dir('one'));
      const four = await timedDownload(world, swarm, 4, swarm.get('eko').host.dir('four'));
      invariant(four.result.sources.length === 4, `used ${four.result.sources.length} owners`);
      const ratio = four.seconds / one.seconds;
      invariant(
        ratio < 0.35,
        `4 owners took ${four.seconds.toFixed(2)} s, 1 owner ${one.seconds.toFixed(2)} s (ratio ${ratio.toFixed(2)}, want about 0.25)`,
      );
    },
  },
  {
    name: 'owner-crash',
    description: 'An owner crashes mid-chunk: its chunks move to the others, the file completes',
    link: UPLINKS,
    evidence: proves('host.crashes', 'transfer.completed'),
    async script(world) {
      const swarm = await swarmOf(world, ['ann', 'bob', 'cat'], 24 * CHUNK);
      const responders = await swarm.whohas('eko', FILE);
      const bob = swarm.get('bob');
      // Crash bob a little into its third chunk.
      let uploads = 0;
      const third = new Promise<void>((resolve) =>
        bob.peer.on('transfer-start', () => ++uploads === 3 && resolve()),
      );
      const download = swarm.start('eko', responders, FILE, { sources: 3 });
      await world.until(third);
      await world.sleep(20 + Math.floor(world.random() * 100));
      world.crash('bob');
      bob.retired = true;
      const got = await world.until(download);
      invariant(got.ok, `the download failed: ${got.error?.code} ${got.error?.message}`);
      const others = got.result.sources.filter((s) => s.user !== 'bob');
      invariant(
        others.reduce((sum, s) => sum + s.bytes, 0) > (24 * CHUNK) / 2,
        'the other owners did not take over',
      );
    },
  },
  {
    name: 'lying-owner',
    description:
      'An owner sends chunks that do not match its tree: dropped, reported, the others finish',
    link: UPLINKS,
    evidence: proves('error.BAD_CHUNK'),
    async script(world) {
      const swarm = await swarmOf(world, ['ann', 'bob', 'cat'], 16 * CHUNK, {
        bob: { fault: lyingDisk },
      });
      const { result } = await timedDownload(world, swarm, 3);
      const bob = result.sources.find((s) => s.user === 'bob');
      invariant(bob?.chunks === 0 && bob.failures === 1, `bob kept ${bob?.chunks} chunks`);
    },
  },
  {
    name: 'requester-crash-resume',
    description:
      'The requester crashes mid-download and, back up, fetches only what it had not verified',
    link: UPLINKS,
    evidence: proves('host.crashes'),
    async script(world) {
      const size = 16 * CHUNK;
      const swarm = await swarmOf(world, ['ann', 'bob'], size);
      const responders = await swarm.whohas('eko', FILE);
      // With one source, whichever owner answered first serves: count chunks from either. Runs
      // of 1, 2 and 4 chunks make 7 (the tree counts none); the run of 8 is then under way.
      let chunks = 0;
      const sixth = new Promise<void>((resolve) => {
        for (const owner of ['ann', 'bob']) {
          swarm.get(owner).peer.on('transfer-end', (end) => {
            if (end.stats) chunks += Math.floor(end.size / CHUNK);
            if (chunks >= 6) resolve();
          });
        }
      });
      void swarm.start('eko', responders, FILE, { sources: 1 });
      await world.until(sixth);
      await world.sleep(Math.floor(world.random() * 100));
      world.crash('eko');
      swarm.get('eko').retired = true;
      world.restart('eko');
      // Back up under a new name (the server has not yet noticed the old session is dead).
      await swarm.add({ name: 'eko2', host: 'eko' });
      const again = await swarm.whohas('eko2', FILE);
      const result = await swarm.expectDownload('eko2', again, FILE, { sources: 2 });
      const fetched = result.sources.reduce((sum, s) => sum + s.bytes, 0);
      invariant(result.resumedBytes >= 5 * CHUNK, `only ${result.resumedBytes} bytes resumed`);
      invariant(
        fetched === size - result.resumedBytes,
        `fetched ${fetched} bytes again after resuming ${result.resumedBytes} of ${size}`,
      );
    },
  },
]);
