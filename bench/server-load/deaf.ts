/**
 * The deaf phase of run.ts: one big room whose members never read (or, with --reading, read),
 * its senders writing @all lines as fast as they can, each in a load process of its own; probe
 * pairs in another room measure what that does to everyone else, and the server's memory per
 * member is read at the end of the attack.
 */
import { ChatServer } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { LoadRequest } from './load.ts';

export interface Asker {
  ask(request: LoadRequest): Promise<Record<string, unknown>>;
  stop(): void;
}

export interface DeafOptions {
  members: number;
  senders: number;
  reading: boolean;
  seconds: number;
  payload: number;
  pairs: number;
  probeRate: number;
}

type Memory = () => { rss: number; heap: number };
type Percentiles = (delays: number[]) => { samples: number; p50: number; p99: number; max: number };

export async function deafPhase(
  probes: Asker,
  spawn: () => Asker,
  options: DeafOptions,
  memory: Memory,
  percentiles: Percentiles,
): Promise<void> {
  const total = options.members + options.senders + 2 * options.pairs;
  // Default limits, except the places (every load client connects from 127.0.0.1) and the
  // rate: the probes send 100 lines a second, and the senders stand for many more clients.
  const server = new ChatServer({
    platform: createNodePlatform(),
    port: 0,
    rateLinesPerSecond: 1e6,
    rateBurst: 1e6,
    floodLimit: Number.POSITIVE_INFINITY,
    maxConnections: total + 100,
    maxLoginsPerAddress: total + 100,
    maxConnectionsPerAddress: total + 100,
  });
  const { port } = await server.listen();
  const room = spawn();
  try {
    await probes.ask({ cmd: 'latency-setup', port, pairs: options.pairs });
    const probe = {
      cmd: 'latency',
      perSecond: options.probeRate,
      seconds: options.seconds,
    } as const;
    const quiet = percentiles((await probes.ask(probe)).delays as number[]);
    const before = { ...memory(), buffers: buffersNow() };
    const setup = { cmd: 'deaf-setup', port, reading: options.reading } as const;
    await room.ask({ ...setup, members: options.members, senders: options.senders });
    const send = { cmd: 'deaf-send', seconds: options.seconds + 0.2, payload: options.payload };
    // The peak during the attack (no gc: what the process really held at its worst).
    const peak = { rss: 0, buffers: 0 };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss - before.rss);
      peak.buffers = Math.max(peak.buffers, now.external + now.arrayBuffers - before.buffers);
    }, 20);
    const [attacked, result] = await Promise.all([
      probes.ask(probe),
      room.ask(send as LoadRequest),
    ]);
    clearInterval(sampler);
    const after = memory();
    const noisy = percentiles(attacked.delays as number[]);
    const kind = options.reading ? 'reading' : 'non-reading';
    const per = (bytes: number) => `${(bytes / options.members / 1024).toFixed(1)} KB`;
    console.log(
      `deaf: ${options.members} ${kind} members, ${options.senders} senders writing ${options.payload}-byte ` +
        `@all lines flat out for ${options.seconds} s (no rate limit); probes: ${options.pairs} pairs ` +
        `in another room at ${options.probeRate} msg/s`,
    );
    const show = (p: ReturnType<Percentiles>) =>
      `p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms  max ${p.max.toFixed(2)} ms (${p.samples} probes)`;
    console.log(`  quiet:    ${show(quiet)}`);
    console.log(`  attacked: ${show(noisy)}  → p99 ×${(noisy.p99 / quiet.p99).toFixed(1)}`);
    console.log(
      `  server memory at the end: rss +${((after.rss - before.rss) / 1048576).toFixed(1)} MB, ` +
        `heap+buffers +${((after.heap - before.heap) / 1048576).toFixed(1)} MB; per member: rss ` +
        `${per(after.rss - before.rss)}, heap+buffers ${per(after.heap - before.heap)}`,
    );
    console.log(
      `  peak during the attack: rss +${(peak.rss / 1048576).toFixed(1)} MB, buffers ` +
        `+${(peak.buffers / 1048576).toFixed(1)} MB; per member: rss ${per(peak.rss)}, ` +
        `buffers ${per(peak.buffers)}`,
    );
    console.log(
      `  senders wrote ${Number(result.lines).toLocaleString('en')} lines; members cut off: ` +
        `${result.closed} of ${options.members}; server cut off ${server.stats.cutOff} in all`,
    );
  } finally {
    room.stop();
    await probes.ask({ cmd: 'release' });
    await server.close('bench over');
  }
}

function buffersNow(): number {
  const { external, arrayBuffers } = process.memoryUsage();
  return external + arrayBuffers;
}
