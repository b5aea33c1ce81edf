/**
 * Files that cost no memory (issue 18, item 6): simulated transfers of synthetic files (bytes
 * generated on read from seed, name and offset) into digest-only hosts (a written copy keeps its
 * size and running SHA-256). Every download is checked byte for byte: the hash of the stream the
 * requester wrote against the generator's hash. Prints wall time, virtual time and the process's
 * peak RSS (process.resourceUsage().maxRSS, what /usr/bin/time reports), with the load average.
 *
 *   npx tsx bench/sim-memory.ts transfer [bytes=1e9] [packetSize=65000] [window=64]
 *   npx tsx bench/sim-memory.ts transfer-in-memory [...]   (the same, bytes held: the baseline)
 *   npx tsx bench/sim-memory.ts swarm [peers=1000] [owners=10] [bytes=10e6]
 *
 * Run one scenario per process: maxRSS is a high-water mark for the whole process.
 */
import { loadavg } from 'node:os';
import { createWorld } from '../harness/world.ts';
import type { Peer } from '../impl/peer/peer.ts';
import { SyntheticSource, syntheticSha256 } from '../sim/synthetic.ts';

const ROOM = 'bench';
const SEED = 18;

export interface MemoryFigures {
  downloads: number;
  bytes: number;
  verified: number;
  virtualMs: number;
  wallMs: number;
  peakRssBytes: number;
}

interface Swarm {
  owners: number;
  requesters: number;
  bytes: number;
  packetSize: number;
  window: number;
  /** The old way, for comparison: owners hold the bytes, requesters keep what they write. */
  inMemory?: boolean;
}

/**
 * `requesters` peers each download one file of `bytes` from one of `owners` owners (owner i
 * serves requesters i, i + owners, ...), all at once over the default LAN; each owner shares
 * its own synthetic file. Every download is verified against the generator's hash.
 */
export async function swarmTransfer(swarm: Swarm): Promise<MemoryFigures> {
  const world = await createWorld({ backend: 'sim', seed: SEED, maxTimeMs: 24 * 3_600_000 });
  const sim = world.sim!;
  const owners: Peer[] = [];
  const requesters: Peer[] = [];
  for (let i = 0; i < swarm.owners; i++) {
    const name = `f${i}.bin`;
    const files = world.simHost(`owner${i}`).files;
    if (swarm.inMemory) {
      const source = new SyntheticSource({ size: swarm.bytes, seed: SEED, name });
      files.write(`/share/${name}`, source.read(0, swarm.bytes));
    } else {
      files.synthetic(`/share/${name}`, { size: swarm.bytes, seed: SEED });
    }
  }
  for (let i = 0; i < swarm.requesters; i++) {
    const host = world.simHost(`peer${i}`);
    if (!swarm.inMemory) host.files.streamedWrites = 'digest-only';
    host.files.mkdir('/share');
    host.files.mkdir('/downloads');
  }
  const transfer = { congestion: 'aimd' as const };
  await world.startServer({
    port: 50000,
    // A swarm is many honest peers on one server: no admission or rate limit may stand in for
    // the transfers being measured (an owner answers every requester's whohas at once).
    settings: {
      maxConnections: swarm.requesters + swarm.owners + 10,
      rateLinesPerSecond: 1e6,
      rateBurst: 1e6,
    },
  });
  // Every owner serves all its requesters at once (no SLOTS_FULL).
  const parallel = Math.ceil(swarm.requesters / swarm.owners);
  for (let i = 0; i < swarm.owners; i++) {
    owners.push(world.createPeer(`owner${i}`, { folder: '/share', transfer, parallel }));
  }
  for (let i = 0; i < swarm.requesters; i++)
    requesters.push(
      world.createPeer(`peer${i}`, { folder: '/share', transfer, whohasWaitMs: 60_000 }),
    );
  await sim.until(
    (async () => {
      await owners[0].connect();
      await owners[0].create(ROOM);
      for (const peer of [...owners.slice(1), ...requesters]) {
        await peer.connect();
        await peer.join(ROOM);
      }
    })(),
  );
  const wallStart = performance.now();
  const virtualStart = sim.now;
  const results = await sim.until(
    Promise.all(
      requesters.map((peer, i) =>
        peer.getFile(`owner${i % swarm.owners}`, `f${i % swarm.owners}.bin`, {
          window: swarm.window,
          packetSize: swarm.packetSize,
          outDir: '/downloads',
        }),
      ),
    ),
  );
  const wallMs = performance.now() - wallStart;
  const virtualMs = sim.now - virtualStart;
  let verified = 0;
  for (const [i, result] of results.entries()) {
    const expected = syntheticSha256({
      size: swarm.bytes,
      seed: SEED,
      name: `f${i % swarm.owners}.bin`,
    });
    const { size, sha256 } = world.simHost(`peer${i}`).files.digest(result.path);
    if (size === swarm.bytes && sha256 === expected) verified++;
  }
  return {
    downloads: results.length,
    bytes: swarm.bytes,
    verified,
    virtualMs,
    wallMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function print(title: string, figures: MemoryFigures): void {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log(title);
  console.log(
    `  downloads      ${figures.downloads} × ${mb(figures.bytes)}, verified ${figures.verified}`,
  );
  console.log(`  virtual time   ${(figures.virtualMs / 1000).toFixed(3)} s`);
  console.log(`  wall time      ${(figures.wallMs / 1000).toFixed(2)} s`);
  console.log(`  peak RSS       ${mb(figures.peakRssBytes)} (process maxRSS)`);
  console.log(
    `  load average   ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`  node ${process.version}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode = 'transfer', ...args] = process.argv.slice(2);
  if (mode === 'transfer' || mode === 'transfer-in-memory') {
    const bytes = Number(args[0] ?? 1e9);
    const packetSize = Number(args[1] ?? 65000);
    const window = Number(args[2] ?? 64);
    const inMemory = mode === 'transfer-in-memory';
    const figures = await swarmTransfer({
      owners: 1,
      requesters: 1,
      bytes,
      packetSize,
      window,
      inMemory,
    });
    print(
      `${inMemory ? '[bytes held in memory, as before] ' : ''}one simulated transfer of ${bytes} bytes (packet ${packetSize} B, window ${window})`,
      figures,
    );
  } else if (mode === 'swarm') {
    const peers = Number(args[0] ?? 1000);
    const owners = Number(args[1] ?? 10);
    const bytes = Number(args[2] ?? 10e6);
    const figures = await swarmTransfer({
      owners,
      requesters: peers - owners,
      bytes,
      packetSize: 8192,
      window: 16,
    });
    print(`a swarm of ${peers} peers (${owners} owners), ${bytes} bytes each`, figures);
  } else {
    console.error('usage: npx tsx bench/sim-memory.ts transfer|transfer-in-memory|swarm [...]');
    process.exitCode = 2;
  }
}
