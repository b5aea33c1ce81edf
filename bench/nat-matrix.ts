/**
 * The NAT matrix (issue "Across NATs"): every pair of simulated NAT types (sim/nat.ts, RFC 4787)
 * and none, whole peers (harness/nat-world.ts): bob, behind one, downloads a file from alice,
 * behind the other, with NAT traversal on (STUN at login, candidates in getfile, hole punching,
 * the server's relay when punching fails). Per pair: direct or relay, the pair's kind, the virtual
 * time from the request to the first file datagram at bob (time to first byte) and to the end.
 * Virtual time on the simulator (lan profile), so the figures do not depend on the machine.
 *
 *   npx tsx bench/nat-matrix.ts [--seed 1] [--kb 1024] [--out results/nat-matrix.csv]
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { natPeerWorld, SITES, type Site } from '../harness/nat-world.ts';
import { isMain } from '../harness/roles.ts';
import type { DatagramSocket, Platform } from '../impl/platform/types.ts';
import { machine, writeProvenance } from './provenance.ts';
import { renderTable, type Table } from './table.ts';

/** A file datagram (DATA, bare or in a relay frame) is larger than any probe, STUN or START. */
const FILE_DATAGRAM_BYTES = 256;

interface Row {
  alice: Site;
  bob: Site;
  route: string;
  pair: string;
  ttfbMs: number;
  downloadMs: number;
  bytes: number;
  probesSent: number;
}

export const NAT_MATRIX_CSV = 'results/nat-matrix.csv';

/** The matrix from the CSV's rows (scripts/results-readme.ts): route and time to first byte. */
export function natMatrixTable(rows: ReadonlyArray<Record<string, string | number>>): Table {
  const cell = (alice: Site, bob: Site) => {
    const row = rows.find(
      (r) => r.alice_nat === alice && r.bob_nat === bob && r.route !== 'legacy',
    );
    return row ? `${row.route}, ${Number(row.ttfb_ms).toFixed(1)} ms` : '–';
  };
  return {
    head: ['alice (owner) \\ bob (requester)', ...SITES],
    rows: SITES.map((alice) => [alice, ...SITES.map((bob) => cell(alice, bob))]),
  };
}

/** Bob's platform, noting when the first file datagram reaches any of his sockets. */
function firstByteSpy(platform: Platform, seen: { at: number }): Platform {
  const createSocket = (type?: 'udp4' | 'udp6'): DatagramSocket => {
    const socket = platform.dgram.createSocket(type);
    socket.on('message', (msg) => {
      if (msg.length >= FILE_DATAGRAM_BYTES && Number.isNaN(seen.at)) {
        seen.at = platform.clock.now();
      }
    });
    return socket;
  };
  return { ...platform, dgram: { createSocket } };
}

async function pair(
  alice: Site,
  bob: Site,
  seed: number,
  bytes: number,
  legacy = false,
): Promise<Row> {
  const seen = { at: Number.NaN };
  const file = Buffer.alloc(bytes, 0x5a);
  const world = await natPeerWorld(alice, bob, {
    seed,
    file,
    ...(legacy ? { nat: { alice: false, bob: false } } : {}),
    platforms: { bob: (platform) => firstByteSpy(platform, seen) },
  });
  const { clock } = world.hosts.server.platform;
  const ended = new Promise<{ probesSent: number }>((resolve) =>
    world.bob.once('transfer-end', (end) => resolve({ probesSent: end.nat?.probesSent ?? 0 })),
  );
  const started = clock.now();
  const result = await world.run(world.bob.getFile('alice', 'file.bin'));
  const done = clock.now();
  const { probesSent } = await world.run(ended);
  if (!world.hosts.bob.files.read(result.path).equals(file)) throw new Error('bytes differ');
  await world.close();
  return {
    alice,
    bob,
    route: legacy ? 'legacy' : (result.route ?? 'direct'),
    pair: result.pair?.kind ?? '',
    ttfbMs: seen.at - started,
    downloadMs: done - started,
    bytes: result.stats.bytes,
    probesSent,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      kb: { type: 'string', default: '1024' },
      out: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const bytes = Number(values.kb) * 1024;
  const wallStart = performance.now();
  const load = loadavg()[0];
  const rows: Row[] = [];
  for (const alice of SITES)
    for (const bob of SITES) rows.push(await pair(alice, bob, seed, bytes));
  // The same LAN pair with NAT traversal off: what STUN and punching add to the first byte.
  const baseline = await pair('none', 'none', seed, bytes, true);
  rows.push(baseline);
  const cell = (row: Row) => `${row.route} ${row.ttfbMs.toFixed(1)} ms`;
  console.log(
    `seed ${seed}, ${values.kb} KiB, lan profile, virtual time; rows: alice's (owner's) NAT, columns: bob's; time to first byte; load average ${load.toFixed(2)}`,
  );
  const table = SITES.map((alice) => [
    alice,
    ...SITES.map((bob) => cell(rows.find((r) => r.alice === alice && r.bob === bob)!)),
  ]);
  console.log(renderTable({ head: ['alice \\ bob', ...SITES], rows: table }));
  console.log(
    `beside it, none ↔ none with NAT traversal off (the 2016 way): first byte ${baseline.ttfbMs.toFixed(1)} ms, download ${baseline.downloadMs.toFixed(1)} ms`,
  );
  if (!values.out) return;
  const head = 'alice_nat,bob_nat,route,pair,ttfb_ms,download_ms,bytes,probes_sent,seed';
  const lines = rows.map((r) =>
    [
      r.alice,
      r.bob,
      r.route,
      r.pair,
      r.ttfbMs.toFixed(3),
      r.downloadMs.toFixed(3),
      r.bytes,
      r.probesSent,
      seed,
    ].join(','),
  );
  await writeFile(values.out, `${[head, ...lines].join('\n')}\n`);
  await writeProvenance(values.out, {
    command: `npx tsx bench/nat-matrix.ts --seed ${seed} --kb ${values.kb} --out ${values.out}`,
    finished: new Date().toISOString(),
    wallSeconds: (performance.now() - wallStart) / 1000,
    machine: machine(),
    seed,
    notes: [
      `load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
      'virtual time (simulator, lan profile)',
    ],
  });
  console.log(`wrote ${values.out}`);
}

if (isMain(import.meta.url)) await main();
