import test from 'ava';
import { Peer } from '../../impl/peer/index.ts';
import { buildWorld, type PeerWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MB = 1024 * 1024;
const SLOW = { delayMs: 2, bandwidthBps: 40e6 };

const isPart = (name: string) => name.startsWith('.whohas-') && name.endsWith('.part');

async function downloadWorld(t: Parameters<typeof buildWorld>[0]['t'], seed: number) {
  const data = patternBytes(4 * MB, seed);
  const world = await buildWorld({
    t,
    seed,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { 'big.bin': data } }, 'eko'],
  });
  return { world, data };
}

/** A second peer process on eko's host, on the same folder (after a crash: the restarted one). */
async function anotherEko(
  world: PeerWorld,
  name: string,
  options: { stalePartialMs?: number } = {},
) {
  const peer = new Peer({
    platform: world.host('eko').platform,
    name,
    server: world.serverAddress,
    folder: world.folderOf('eko'),
    ...options,
  });
  await world.run(peer.connect());
  await world.run(peer.join(world.room));
  return peer;
}

/** Runs until eko's download has written `bytes` into its temporary file. */
async function untilPartHas(world: PeerWorld, bytes: number): Promise<string> {
  for (let step = 0; step < 10_000; step++) {
    const part = world.listFiles('eko').find(isPart);
    if (part && world.host('eko').files.read(`${world.folderOf('eko')}/${part}`).length >= bytes) {
      return part;
    }
    await world.sim.runUntil(world.sim.now + 5);
  }
  throw new Error('the download never got going');
}

// The attack of issue "Murphy's law, proven": a receiver killed with SIGKILL left its 13.6 MB
// .part file forever. The simulator's SIGKILL is a host crash.
test('a receiver killed mid-transfer: the next peer on that folder removes its stale part', async (t) => {
  const { world, data } = await downloadWorld(t, 81);
  void world
    .peer('eko')
    .getFile('eswar', 'big.bin')
    .catch(() => undefined);
  const part = await untilPartHas(world, MB);
  world.host('eko').crash();
  world.host('eko').restart();
  world.peers.delete('eko'); // that process is dead
  await world.sim.runUntil(world.sim.now + 100);
  t.true(world.listFiles('eko').includes(part), 'the crash left the part behind');

  const restarted = await anotherEko(world, 'eko');
  world.peers.set('eko', restarted);
  t.false(world.listFiles('eko').includes(part), 'removed when the peer started on the folder');
  const result = await world.run(restarted.getFile('eswar', 'big.bin'));
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.deepEqual(world.listFiles('eko'), ['big.bin']);
  await world.close();
});

test('the part of a download still running in another live process is never removed', async (t) => {
  const { world, data } = await downloadWorld(t, 82);
  const download = world.peer('eko').getFile('eswar', 'big.bin');
  const part = await untilPartHas(world, MB);
  // Another process of the same (living) host starts on the folder, with the shortest age.
  const other = await anotherEko(world, 'eko2', { stalePartialMs: 10_000 });
  t.true(world.listFiles('eko').includes(part));
  const result = await world.run(download);
  t.true(world.host('eko').files.read(result.path).equals(data));
  await world.run(other.close());
  await world.close();
});

const byAge = test.macro({
  async exec(t, stalePartialMs: number | undefined, removed: boolean) {
    const world = await buildWorld({ t, seed: 83, peers: ['eswar'] });
    // A part of unknown owner (an older whohas, another machine): only its age tells.
    world.host('eswar').files.mkdir('/home/eko/folder');
    world.host('eswar').files.write('/home/eko/folder/.whohas-old-1f.part', 'abandoned');
    await world.sim.runUntil(world.sim.now + 60_000);
    const peer = new Peer({
      platform: world.host('eswar').platform,
      name: 'eko',
      server: world.serverAddress,
      folder: '/home/eko/folder',
      stalePartialMs,
    });
    await world.run(peer.connect());
    const left = world.listFiles('eswar', '/home/eko/folder');
    t.deepEqual(left, removed ? [] : ['.whohas-old-1f.part']);
    await world.run(peer.close());
    await world.close();
  },
  title: (_title, ms: number | undefined, removed: boolean) =>
    `a part of unknown owner, a minute old, with age ${ms ?? 'default (24 h)'}: ${removed ? 'removed' : 'kept'}`,
});

test(byAge, 30_000, true);
test(byAge, undefined, false);
