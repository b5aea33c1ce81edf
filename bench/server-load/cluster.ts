/**
 * The server-load bench in cluster mode: the same clients, fan-out and probe latency against one
 * server, then against 3 servers sharing one real Redis (each server a process of its own; the
 * load in another), clients spread evenly so every room and probe pair spans servers.
 *
 *   npx tsx bench/server-load/cluster.ts                       # 600 clients, room of 300
 *   npx tsx bench/server-load/cluster.ts --clients 1500 --room-size 600 --seconds 3
 */
import { type ChildProcess, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../../harness/redis-server.ts';
import type { LoadRequest } from './load.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '600' },
    'room-size': { type: 'string', default: '300' },
    senders: { type: 'string', default: '4' },
    window: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '3' },
    payload: { type: 'string', default: '64' },
    pairs: { type: 'string', default: '12' },
    'probe-rate': { type: 'string', default: '100' },
  },
});
const options = {
  clients: Number(values.clients),
  roomSize: Number(values['room-size']),
  senders: Number(values.senders),
  window: Number(values.window),
  seconds: Number(values.seconds),
  payload: Number(values.payload),
  pairs: Number(values.pairs),
  probeRate: Number(values['probe-rate']),
};

type Message = Record<string, unknown>;

/** A child process answering one IPC message with one. */
class Child {
  readonly #child: ChildProcess;
  #waiting: ((message: Message) => void) | undefined;
  readonly first: Promise<Message>;

  constructor(module: string, args: string[] = []) {
    const file = fileURLToPath(new URL(module, import.meta.url));
    this.#child = fork(file, args, { execArgv: ['--import', 'tsx'] });
    this.first = new Promise((resolve) => {
      this.#waiting = resolve;
    });
    this.#child.on('message', (message: Message) => this.#waiting?.(message));
  }

  ask(request: LoadRequest | 'stats'): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.#waiting = (message) => {
        if (message.ok === false) reject(new Error(String(message.error)));
        else resolve(message);
      };
      this.#child.send(request);
    });
  }

  stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send('stop');
    setTimeout(() => this.#child.kill('SIGKILL'), 5000).unref();
    return exited;
  }

  kill(): void {
    this.#child.kill();
  }
}

interface Figures {
  holdMs: number;
  users: number[];
  rssMb: number[];
  deliveredPerS: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(label: string, count: number, redis?: string): Promise<Figures> {
  const servers = Array.from({ length: count }, (_, i) => {
    const config = { clients: options.clients + 2 * options.pairs, redis, node: `n${i + 1}` };
    return new Child('./server-process.ts', [JSON.stringify(config)]);
  });
  const load = new Child('./load.ts');
  try {
    const ports = (await Promise.all(servers.map((s) => s.first))).map((m) => Number(m.port));
    const { clients, roomSize } = options;
    const held = await load.ask({ cmd: 'hold', port: ports, clients, roomSize });
    const stats = await Promise.all(servers.map((s) => s.ask('stats')));
    const fan = await load.ask({
      cmd: 'fanout',
      senders: options.senders,
      window: options.window,
      seconds: options.seconds,
      payload: options.payload,
    });
    await load.ask({ cmd: 'release' });
    await load.ask({ cmd: 'latency-setup', port: ports, pairs: options.pairs });
    const probes = await load.ask({
      cmd: 'latency',
      perSecond: options.probeRate,
      seconds: options.seconds,
    });
    await load.ask({ cmd: 'release' });
    const delays = (probes.delays as number[]).sort((a, b) => a - b);
    const figures: Figures = {
      holdMs: Number(held.ms),
      users: stats.map((s) => Number(s.users)),
      rssMb: stats.map((s) => Number(s.rss) / 1024 / 1024),
      deliveredPerS: Number(fan.delivered) / (Number(fan.ms) / 1000),
      p50: percentile(delays, 0.5),
      p99: percentile(delays, 0.99),
    };
    console.log(
      `${label}: ${clients} clients logged in in ${(figures.holdMs / 1000).toFixed(2)} s, ` +
        `held ${figures.users.join(' + ')} (server rss ${figures.rssMb.map((m) => m.toFixed(0)).join(' + ')} MB); ` +
        `fan-out room of ${fan.roomSize}: ${Math.round(figures.deliveredPerS).toLocaleString('en')} delivered/s; ` +
        `probes ${delays.length}/${probes.sent}: p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms`,
    );
    return figures;
  } finally {
    load.kill();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `server-load cluster: node ${process.version}, ${cpus().length} cores, load average ${load()}`,
);
console.log(`options: ${JSON.stringify(options)}`);
const redis = await startRedis();
try {
  const one = await measure('1 server            ', 1);
  const three = await measure('3 servers, one Redis', 3, redis.url);
  const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
  console.log(
    `3 servers vs 1: login time ${ratio(three.holdMs, one.holdMs)}, ` +
      `fan-out ${ratio(three.deliveredPerS, one.deliveredPerS)}, ` +
      `p50 ${ratio(three.p50, one.p50)}, p99 ${ratio(three.p99, one.p99)}, ` +
      `rss per server ${ratio(Math.max(...three.rssMb), one.rssMb[0])}`,
  );
  console.log(`load average after: ${load()}`);
} finally {
  await redis.stop();
}
