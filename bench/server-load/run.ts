/**
 * Chat server load on real loopback, the load generated in a child process (load.ts):
 *   1. hold: N clients logged in at once; memory per connected client (server process);
 *   2. fan-out: broadcast deliveries per second in one room;
 *   3. flood: probe latency p50/p99 with and without one client flooding at full speed.
 *
 *   npx tsx bench/server-load/run.ts                 # quick (200 clients, short runs)
 *   npx tsx bench/server-load/run.ts --full          # 2,000 clients, room of 1,000, longer runs
 *   npx tsx bench/server-load/run.ts --clients 500 --room-size 250 --seconds 3
 *   npx tsx bench/server-load/run.ts --phase flood --rounds 5   # only the flood comparison
 *   npx tsx bench/server-load/run.ts --phase deaf --members 300 --deaf-senders 40 [--reading]
 *     # one room of members that never read (or do), senders flat out; another room's p99
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { quantileSorted } from 'simple-statistics';
import { ChatServer } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { deafPhase } from './deaf.ts';
import type { LoadRequest } from './load.ts';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    clients: { type: 'string' },
    'room-size': { type: 'string' },
    senders: { type: 'string', default: '4' },
    window: { type: 'string', default: '64' },
    seconds: { type: 'string' },
    payload: { type: 'string', default: '64' },
    pairs: { type: 'string', default: '10' },
    'probe-rate': { type: 'string', default: '100' },
    rounds: { type: 'string' },
    'round-seconds': { type: 'string', default: '2' },
    phase: { type: 'string', default: 'all' },
    members: { type: 'string', default: '300' },
    'deaf-senders': { type: 'string', default: '40' },
    reading: { type: 'boolean', default: false },
  },
});
const full = values.full === true;
const options = {
  clients: Number(values.clients ?? (full ? 2000 : 200)),
  roomSize: Number(values['room-size'] ?? (full ? 1000 : 100)),
  senders: Number(values.senders),
  window: Number(values.window),
  seconds: Number(values.seconds ?? (full ? 5 : 2)),
  payload: Number(values.payload),
  pairs: Number(values.pairs),
  probeRate: Number(values['probe-rate']),
  rounds: Number(values.rounds ?? (full ? 6 : 3)),
  roundSeconds: Number(values['round-seconds']),
  /** all, hold (hold + fan-out), flood, or deaf (not part of all). */
  phase: values.phase ?? 'all',
  members: Number(values.members),
  deafSenders: Number(values['deaf-senders']),
  reading: values.reading === true,
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memory() {
  gc();
  gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heap: heapUsed + external + arrayBuffers };
}

class LoadProcess {
  readonly #child: ChildProcess;
  #waiting: ((message: Record<string, unknown>) => void) | undefined;

  constructor() {
    const file = fileURLToPath(new URL('./load.ts', import.meta.url));
    this.#child = fork(file, [], { execArgv: ['--import', 'tsx'] });
    this.#child.on('message', (message: Record<string, unknown>) => this.#waiting?.(message));
  }

  ask(request: LoadRequest): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.#waiting = (message) => {
        if (message.ok) resolve(message);
        else reject(new Error(`load process: ${message.error}`));
      };
      this.#child.send(request);
    });
  }

  stop(): void {
    this.#child.kill();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

function openFileLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  return Number(result.stdout.trim());
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  console.log(
    `server-load: node ${process.version}, ${cpus().length} cores, ulimit -n ${limit}; load in a child process`,
  );
  console.log(`options: ${JSON.stringify(options)}`);
  if (Number.isFinite(limit) && limit < options.clients + 100) {
    throw new Error(
      `ulimit -n is ${limit}: raise it above ${options.clients + 100} (ulimit -n 20000)`,
    );
  }
  const load = new LoadProcess();
  try {
    if (options.phase === 'deaf') {
      const deaf = {
        ...options,
        senders: options.deafSenders,
        seconds: options.roundSeconds,
      };
      await deafPhase(load, () => new LoadProcess(), deaf, memory, percentiles);
      return;
    }
    if (options.phase !== 'flood') await holdAndFanOut(load);
    if (options.phase !== 'hold') await flood(load);
  } finally {
    load.stop();
  }
}

async function holdAndFanOut(load: LoadProcess): Promise<void> {
  const server = new ChatServer({
    platform: createNodePlatform(),
    port: 0,
    maxConnections: options.clients + 100,
    rateLinesPerSecond: 1e9,
    rateBurst: 1e9,
    maxOutboxBytes: 64 * 1024 * 1024,
    maxTotalOutboxBytes: Number.POSITIVE_INFINITY,
    maxLoginsPerAddress: options.clients + 100,
    maxConnectionsPerAddress: options.clients + 100,
  });
  const { port } = await server.listen();
  const before = memory();
  const held = await load.ask({
    cmd: 'hold',
    port,
    clients: options.clients,
    roomSize: options.roomSize,
  });
  const after = memory();
  const n = server.stats.users;
  console.log(
    `hold: ${n} clients logged in (${held.rooms} rooms) in ${(Number(held.ms) / 1000).toFixed(2)} s; ` +
      `server rss +${mb(after.rss - before.rss)}, heap+buffers +${mb(after.heap - before.heap)}; ` +
      `per client: rss ${kb((after.rss - before.rss) / n)}, heap+buffers ${kb((after.heap - before.heap) / n)}`,
  );
  // Window = senders: about one broadcast in flight per sender (little to batch); then pipelined.
  for (const window of [options.senders, options.window]) {
    const routedBefore = server.stats.linesRouted;
    const fan = await load.ask({
      cmd: 'fanout',
      senders: options.senders,
      window,
      seconds: options.seconds,
      payload: options.payload,
    });
    const rate = Number(fan.delivered) / (Number(fan.ms) / 1000);
    console.log(
      `fan-out: room of ${fan.roomSize}, ${options.senders} senders, window ${window}, ` +
        `${options.payload}-byte texts: ${fan.sent} broadcasts → ${fan.delivered} deliveries in ` +
        `${(Number(fan.ms) / 1000).toFixed(2)} s = ${Math.round(rate).toLocaleString('en')} delivered/s ` +
        `(server counted ${server.stats.linesRouted - routedBefore}; target ≥ 100,000)`,
    );
  }
  await load.ask({ cmd: 'release' });
  await server.close('bench over');
}

/** Median, 99th percentile (simple-statistics, nearest rank) and maximum of the delays. */
function percentiles(delays: number[]) {
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? Number.NaN : quantileSorted(sorted, q));
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function flood(load: LoadProcess): Promise<void> {
  // Probes stay under the rate limit; the flooder gets its allowance and no more.
  const server = new ChatServer({
    platform: createNodePlatform(),
    port: 0,
    rateLinesPerSecond: 2 * options.probeRate,
    rateBurst: 2 * options.probeRate,
    floodLimit: Number.POSITIVE_INFINITY,
    maxLoginsPerAddress: 2 * options.pairs + 100,
    maxConnectionsPerAddress: 2 * options.pairs + 100,
  });
  const { port } = await server.listen();
  const flooder = new LoadProcess();
  try {
    await load.ask({ cmd: 'latency-setup', port, pairs: options.pairs });
    await flooder.ask({ cmd: 'flooder-setup', port });
    const probe = {
      cmd: 'latency',
      perSecond: options.probeRate,
      seconds: options.roundSeconds,
    } as const;
    const quiet: number[] = [];
    const noisy: number[] = [];
    const sent = { quiet: 0, noisy: 0 };
    let floodLines = 0;
    let flooderOpen = true;
    const refusedBefore = server.stats.linesRateLimited;
    // Alternate quiet and flooded rounds, so drift on a shared machine hits both alike.
    for (let round = 0; round < options.rounds; round++) {
      const calm = await load.ask(probe);
      quiet.push(...(calm.delays as number[]));
      sent.quiet += Number(calm.sent);
      const [flooded, result] = await Promise.all([
        load.ask(probe),
        flooder.ask({ cmd: 'flood', seconds: options.roundSeconds + 0.2 }),
      ]);
      noisy.push(...(flooded.delays as number[]));
      sent.noisy += Number(flooded.sent);
      floodLines += Number(result.lines);
      flooderOpen &&= result.open === true;
    }
    const q = percentiles(quiet);
    const f = percentiles(noisy);
    const show = (p: ReturnType<typeof percentiles>, total: number) =>
      `p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  max ${ms(p.max)}  (${p.samples} of ${total} probes)`;
    console.log(
      `flood: ${options.pairs} probe pairs at ${options.probeRate} msg/s each; one flooder (own process) ` +
        `in the same room; limit ${2 * options.probeRate} lines/s per client; ` +
        `${options.rounds} rounds of ${options.roundSeconds} s each, quiet and flooded alternating`,
    );
    console.log(`  quiet:    ${show(q, sent.quiet)}`);
    console.log(
      `  flooding: ${show(f, sent.noisy)}  → p99 ×${(f.p99 / q.p99).toFixed(2)} (target < 2×)`,
    );
    console.log(
      `  flooder wrote ${floodLines.toLocaleString('en')} lines; server refused ` +
        `${(server.stats.linesRateLimited - refusedBefore).toLocaleString('en')} (RATE_LIMITED), ` +
        `flooder still connected: ${flooderOpen}`,
    );
  } finally {
    flooder.stop();
    await load.ask({ cmd: 'release' });
    await server.close('bench over');
  }
}

await main();
