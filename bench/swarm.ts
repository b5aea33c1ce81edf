/**
 * Several sources and resume on the simulator (docs/PROTOCOL.md, "Several sources", "Resume"):
 *
 * 1. Time to fetch one file from 1, 2, 4, 8 owners, each behind a 10 Mbit/s uplink (5 ms one
 *    way), the requester on 100 Mbit/s, chunks of 1 MiB (`whohas get --sources N`). The ceiling
 *    is min(N × 10, 100) Mbit/s; the ratio to one owner's time is measured in the same run.
 * 2. Resume: one owner leaves when half the file has arrived; another owner of the same content
 *    finishes it. Bytes fetched twice = bytes received before the interruption − bytes kept.
 *
 *   npx tsx bench/swarm.ts [megabytes]        (default 100)
 *
 * Virtual time (the simulator's clock); wall time and the load average are printed beside it.
 */
import { loadavg } from 'node:os';
import { isMain } from '../harness/roles.ts';
import { createWorld, type World } from '../harness/world.ts';
import { DEFAULT_CHUNK_BYTES } from '../impl/peer/merkle.ts';
import type { Peer } from '../impl/peer/peer.ts';
import { makeContent } from './engines/content.ts';
import { renderTable } from './table.ts';

const FILE = 'film.bin';
const UPLINK = { bandwidthBps: 10e6, delayMs: 5 };
const DOWNLINK = { bandwidthBps: 100e6, delayMs: 5 };

interface Swarm {
  world: World;
  owners: Peer[];
  requester: Peer;
}

/** A server, `owners` owners of `bytes`, and the requester `eko`, all in one room. */
async function buildSwarm(owners: number, bytes: Buffer, seed: number): Promise<Swarm> {
  const world = await createWorld({ backend: 'sim', seed });
  const sim = world.sim!;
  const { server } = await world.startServer({ settings: { maxConnectionsPerAddress: 1024 } });
  void server;
  const eko = world.simHost('eko');
  const peers: Peer[] = [];
  const room = 'swarm';
  for (let i = 1; i <= owners; i++) {
    const name = `owner${i}`;
    const host = world.simHost(name);
    // owner → eko over its 10 Mbit/s uplink; eko → owner over eko's 100 Mbit/s.
    sim.connect(host, eko, UPLINK, DOWNLINK);
    host.files.write(`/share/${FILE}`, bytes);
    const peer = world.createPeer(name, { folder: '/share', whohasWaitMs: 500 });
    await world.until(peer.connect());
    await world.until(peer.joinOrCreate(room));
    peers.push(peer);
  }
  const requester = world.createPeer('eko', { folder: '/downloads', whohasWaitMs: 500 });
  await world.until(requester.connect());
  await world.until(requester.joinOrCreate(room));
  return { world, owners: peers, requester };
}

async function timeFrom(owners: number, bytes: Buffer, seed: number) {
  const { world, requester } = await buildSwarm(owners, bytes, seed);
  world.setBudget(3_600_000);
  const responders = await world.until(requester.whohas(FILE));
  const wall = performance.now();
  const started = world.sim!.now;
  const result = await world.until(requester.getFile(responders, FILE, { sources: owners }));
  const seconds = (world.sim!.now - started) / 1000;
  const wallSeconds = (performance.now() - wall) / 1000;
  await world.dispose([() => world.settle(requester.close())]);
  return { seconds, wallSeconds, used: result.sources.filter((s) => s.chunks > 0).length };
}

/** One owner leaves half-way; a second finishes. Returns bytes received twice. */
async function resumeAtHalf(bytes: Buffer, seed: number) {
  const { world, owners, requester } = await buildSwarm(2, bytes, seed);
  world.setBudget(3_600_000);
  const [first, second] = owners;
  const responders = await world.until(requester.whohas(FILE));
  const fromFirst = responders.filter((r) => r.user === first.name);
  let received = 0;
  let left = false;
  const onProgress = (got: number) => {
    received = Math.max(received, got);
    if (!left && got >= bytes.length / 2) {
      left = true;
      void first.close();
    }
  };
  const interrupted = await world
    .until(requester.getFile(fromFirst, FILE, { sources: 1, onProgress }))
    .then(
      () => 'completed',
      (error: { code: string }) => error.code,
    );
  const rest = responders.filter((r) => r.user === second.name);
  const result = await world.until(requester.getFile(rest, FILE, { sources: 1 }));
  await world.dispose([() => world.settle(requester.close())]);
  return {
    interrupted,
    received,
    resumed: result.resumedBytes,
    fetchedAfter: result.sources[0].bytes,
    twice: received - result.resumedBytes,
  };
}

export async function main(megabytes = 100): Promise<void> {
  const size = Math.round(megabytes * 1e6);
  const { bytes } = makeContent(size);
  const load = () => loadavg()[0].toFixed(2);
  console.log(
    `swarm: ${megabytes} MB, chunks of ${DEFAULT_CHUNK_BYTES} B, owners behind 10 Mbit/s uplinks (5 ms), requester on 100 Mbit/s; load average ${load()}`,
  );
  const rows: string[][] = [];
  let one = Number.NaN;
  for (const owners of [1, 2, 4, 8]) {
    const run = await timeFrom(owners, bytes, 1);
    if (owners === 1) one = run.seconds;
    const ceiling = Math.min(owners * 10e6, 100e6);
    rows.push([
      String(owners),
      String(run.used),
      run.seconds.toFixed(2),
      (run.seconds / one).toFixed(3),
      (1 / Math.min(owners, 10)).toFixed(3),
      ((size * 8) / run.seconds / ceiling).toFixed(3),
      run.wallSeconds.toFixed(1),
    ]);
  }
  console.log(
    renderTable({
      head: ['owners', 'used', 'virtual s', 'ratio to 1', 'ideal', 'of ceiling', 'wall s'],
      rows,
    }),
  );
  const resume = await resumeAtHalf(bytes, 2);
  console.log(
    `resume: first run ended ${resume.interrupted} after ${resume.received} B; second run resumed ${resume.resumed} B, fetched ${resume.fetchedAfter} B; bytes received twice ${resume.twice} (one chunk is ${DEFAULT_CHUNK_BYTES} B); load average ${load()}`,
  );
}

if (isMain(import.meta.url)) {
  const megabytes = process.argv[2] === undefined ? 100 : Number(process.argv[2]);
  if (!(megabytes > 0)) {
    console.error('usage: npx tsx bench/swarm.ts [megabytes]');
    process.exit(64);
  }
  await main(megabytes);
}
