/**
 * What sealing costs (docs/PROTOCOL.md, "Sealed transfers"): the same Go-Back-N transfer plain
 * and sealed (ChaCha20-Poly1305 per datagram, impl/seal/), 2048-byte datagrams, N = 16 and 64,
 * measured in the same run, rounds interleaved (plain, sealed, plain, ...), medians reported:
 *
 * - real loopback UDP between two processes (bench/engines/gbn-roles.ts, as bench/gbn-loopback.ts:
 *   each side seals or opens on its own core), and with sender and receiver in this one process
 *   (one thread seals, opens, reads and writes: the pessimistic case); wall-clock throughput;
 * - the simulator (1 Gbit/s LAN profile): virtual-time throughput (sealing adds 24 bytes per
 *   datagram on the wire) and the wall time the simulation took (the CPU sealing costs there);
 * - the ceiling: seal + open of 2048-byte datagrams in a tight loop, no sockets.
 *
 *   npx tsx bench/seal.ts [--mb 32] [--sim-mb 8] [--rounds 5]   → prints; results/seal.csv
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMain, type RoleProcess, spawnRole } from '../harness/roles.ts';
import { TransferReceiver } from '../impl/arq/driver-receiver.ts';
import { TransferSender } from '../impl/arq/driver-sender.ts';
import { createNodePlatform } from '../impl/platform/node.ts';
import type { DatagramSocket, Platform } from '../impl/platform/types.ts';
import { open, SealedSocket, seal } from '../impl/seal/sealed-socket.ts';
import { Simulator } from '../sim/index.ts';
import { GBN_ROLES, type Listening, nextOk, sendOrder } from './engines/gbn-roles.ts';
import { stopRole } from './engines/roles.ts';
import { machine, writeProvenance } from './provenance.ts';

const PACKET = 2048;
const WINDOWS = [16, 64];
const K1 = randomBytes(32);
const K2 = randomBytes(32);

interface Pair {
  platformA: Platform;
  platformB: Platform;
  addressA: string;
  addressB: string;
  settle<T>(p: Promise<T>): Promise<T>;
  dir: string;
}

function wrap(socket: DatagramSocket, sealed: boolean, sender: boolean): DatagramSocket {
  if (!sealed) return socket;
  return new SealedSocket(socket, sender ? { send: K1, receive: K2 } : { send: K2, receive: K1 });
}

/** One transfer of `dir/source.bin` from A to B; returns the receiver's seconds. */
async function transfer(pair: Pair, window: number, sealed: boolean): Promise<number> {
  const { platformA, platformB, settle } = pair;
  const rawB = platformB.dgram.createSocket();
  const { port } = await settle(rawB.bind(0, pair.addressB));
  const rawA = platformA.dgram.createSocket();
  await settle(rawA.bind(0, pair.addressA));
  const options = { window, packetSize: PACKET, lingerMs: 0 };
  const transferId = 4242;
  const receiver = new TransferReceiver({
    platform: platformB,
    socket: wrap(rawB, sealed, false),
    peerAddress: pair.addressA,
    transferId,
    dir: join(pair.dir, 'out'),
    name: 'copy.bin',
    options,
  });
  const sender = new TransferSender({
    platform: platformA,
    socket: wrap(rawA, sealed, true),
    peer: { address: pair.addressB, port },
    transferId,
    file: await settle(platformA.fs.openRead(join(pair.dir, 'source.bin'))),
    options,
  });
  const [, received] = await settle(Promise.all([sender.done, receiver.done]));
  await settle(platformB.fs.remove(received.path));
  return received.stats.seconds;
}

async function loopbackPair(bytes: Buffer): Promise<Pair & { dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-seal-bench-'));
  await writeFile(join(dir, 'source.bin'), bytes);
  await mkdir(join(dir, 'out'));
  const platform = createNodePlatform();
  return {
    platformA: platform,
    platformB: platform,
    addressA: '127.0.0.1',
    addressB: '127.0.0.1',
    settle: (p) => p,
    dir,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Two role processes on loopback; each transfer's receiver seconds. */
async function twoProcesses(dir: string) {
  const receiver = spawnRole(GBN_ROLES, ['receiver']);
  const sender = spawnRole(GBN_ROLES, ['sender']);
  await Promise.all([receiver.next(), sender.next()]);
  const keys = Buffer.concat([K1, K2]).toString('hex');
  let id = 1;
  const once = async (window: number, sealed: boolean): Promise<number> => {
    const options = { window, packetSize: PACKET };
    const seal = sealed ? { sealKeys: keys } : {};
    const transferId = id++;
    const common = { transferId, ...seal };
    sendOrder(receiver, {
      type: 'receive',
      dir,
      name: `r${transferId}.bin`,
      ...common,
      options: { ...options, lingerMs: 50 },
    });
    const { port } = await receiver.next<Listening>();
    sendOrder(sender, { type: 'send', path: join(dir, 'source.bin'), port, ...common, options });
    const [received] = await Promise.all([nextOk(receiver, 'receiver'), nextOk(sender, 'sender')]);
    await rm(received.path as string);
    return received.stats.seconds;
  };
  const stop = async (roles: RoleProcess[]) => {
    await Promise.all(roles.map((role) => stopRole(role, 3_000)));
  };
  return { once, stop: () => stop([receiver, sender]) };
}

/** A fresh simulator per transfer (seeded: the same virtual figures every run). */
async function simTransfer(bytes: Buffer, window: number, sealed: boolean) {
  const sim = new Simulator({ seed: 1 });
  const a = sim.addHost('owner');
  const b = sim.addHost('requester');
  sim.connect(a, b, 'lan');
  a.files.mkdir('/data');
  a.files.write('/data/source.bin', bytes);
  b.files.mkdir('/data/out');
  const pair: Pair = {
    platformA: a.platform,
    platformB: b.platform,
    addressA: a.address,
    addressB: b.address,
    settle: (p) => sim.until(p),
    dir: '/data',
  };
  const started = performance.now();
  const seconds = await transfer(pair, window, sealed);
  return {
    virtualMBps: bytes.length / seconds / 1e6,
    wallSeconds: (performance.now() - started) / 1e3,
  };
}

function ceilingMBps(): number {
  const plain = randomBytes(PACKET);
  const count = 50_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (!open(K1, seal(K1, i, plain))) throw new Error('open failed');
  }
  return (count * PACKET) / ((performance.now() - started) / 1e3) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};

export async function main(): Promise<void> {
  const mb = flag('--mb', 32);
  const simMb = flag('--sim-mb', 8);
  const rounds = flag('--rounds', 5);
  const started = performance.now();
  const loadBefore = loadavg()[0];
  console.log(
    `seal bench: ${PACKET}-byte datagrams, loopback ${mb} MB, simulator ${simMb} MB, ${rounds} rounds`,
  );
  const rows: string[] = ['where,window,plain,sealed,ratio,unit'];
  const report = (where: string, window: number, plain: number, sealedV: number, unit: string) => {
    const ratio = sealedV / plain;
    rows.push(
      `${where},${window},${plain.toFixed(2)},${sealedV.toFixed(2)},${ratio.toFixed(3)},${unit}`,
    );
    const cost = ((1 - ratio) * 100).toFixed(1);
    console.log(
      `  ${where.padEnd(16)} N=${String(window).padEnd(3)} plain ${plain.toFixed(1).padStart(8)} ${unit}  sealed ${sealedV.toFixed(1).padStart(8)} ${unit}  sealed/plain ${ratio.toFixed(3)} (cost ${cost} %)`,
    );
  };

  const bytes = randomBytes(mb * 1e6);
  const loop = await loopbackPair(bytes);
  const pair = await twoProcesses(loop.dir);
  try {
    for (const window of WINDOWS) {
      const plain: number[] = [];
      const sealed: number[] = [];
      for (let r = 0; r < rounds; r++) {
        plain.push(bytes.length / (await pair.once(window, false)) / 1e6);
        sealed.push(bytes.length / (await pair.once(window, true)) / 1e6);
      }
      report('loopback 2 proc', window, median(plain), median(sealed), 'MB/s');
    }
  } finally {
    await pair.stop();
  }
  try {
    for (const window of WINDOWS) {
      const plain: number[] = [];
      const sealed: number[] = [];
      for (let r = 0; r < rounds; r++) {
        plain.push(bytes.length / (await transfer(loop, window, false)) / 1e6);
        sealed.push(bytes.length / (await transfer(loop, window, true)) / 1e6);
      }
      report('loopback 1 proc', window, median(plain), median(sealed), 'MB/s');
    }
  } finally {
    await loop.dispose();
  }

  const simBytes = randomBytes(simMb * 1e6);
  for (const window of WINDOWS) {
    const plain: Array<{ virtualMBps: number; wallSeconds: number }> = [];
    const sealed: typeof plain = [];
    for (let r = 0; r < rounds; r++) {
      plain.push(await simTransfer(simBytes, window, false));
      sealed.push(await simTransfer(simBytes, window, true));
    }
    const v = (xs: typeof plain) => median(xs.map((x) => x.virtualMBps));
    // Wall: simulated bytes per wall second, so higher is better as for the others.
    const w = (xs: typeof plain) => median(xs.map((x) => simBytes.length / x.wallSeconds / 1e6));
    report('sim virtual', window, v(plain), v(sealed), 'MB/s');
    report('sim wall', window, w(plain), w(sealed), 'MB/s');
  }
  const ceiling = ceilingMBps();
  console.log(
    `  ceiling: seal + open of ${PACKET}-byte datagrams in one thread, no sockets: ${ceiling.toFixed(0)} MB/s`,
  );
  rows.push(`ceiling,-,-,${ceiling.toFixed(2)},-,MB/s`);
  const loadAfter = loadavg()[0];
  console.log(
    `  load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, ${machine().cores} cores`,
  );
  const csv = 'results/seal.csv';
  await mkdir('results', { recursive: true });
  await writeFile(csv, `${rows.join('\n')}\n`);
  await writeProvenance(csv, {
    command: `npx tsx bench/seal.ts --mb ${mb} --sim-mb ${simMb} --rounds ${rounds}`,
    finished: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1e3,
    machine: machine(),
    notes: [`load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`],
  });
  console.log(`wrote ${csv}`);
}

if (isMain(import.meta.url)) await main();
