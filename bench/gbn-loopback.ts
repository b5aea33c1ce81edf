/**
 * The 2016 experiment on real loopback: 21.76 MB in 2048-byte datagrams, N = 16 and 32, sender
 * and receiver in separate processes, beside two baselines measured in the same run: a raw UDP
 * blast (no window: the datagram ceiling) and a raw window exchange (datagrams and cumulative
 * ACKs with the same window, nothing else: the ceiling of any window-N protocol here). Each pair
 * of processes moves the file `--repeats` times: first on cold code, then warm. With
 * --memory, the receiving process's peak RSS for a 1 GB file instead.
 *
 *   npx tsx bench/gbn-loopback.ts [--windows 16,32] [--bytes 21760000] [--packet-size 2048]
 *                                 [--repeats 4] [--options '{"ack":{"packets":1,"delayMs":1}}']
 *   npx tsx bench/gbn-loopback.ts --memory [--bytes 1000000000]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMain, spawnRole } from '../harness/roles.ts';
import { TransferReceiver } from '../impl/arq/driver-receiver.ts';
import { TransferSender } from '../impl/arq/driver-sender.ts';
import type { TransferOptionsInput } from '../impl/arq/options.ts';
import type { TransferStats } from '../impl/arq/stats.ts';
import { Simulator } from '../sim/index.ts';
import { runUdpBlast } from './baselines/udp-blast.ts';
import { runUdpWindow } from './baselines/udp-window.ts';
import { GBN_ROLES, type Listening, nextOk, sendOrder } from './engines/gbn-roles.ts';
import { stopRole } from './engines/roles.ts';
import { makeFile, medianOf } from './source-file.ts';

/** The 2016 report: 21.76 MB at 1.04 MB/s (N = 16) and 1.12 MB/s (N = 32). */
export const REPORT_2016 = {
  bytes: 21.76e6,
  packetSize: 2048,
  mbps: { 16: 1.04, 32: 1.12 } as Record<number, number>,
};

export interface LoopbackRun {
  window: number;
  packetSize: number;
  bytes: number;
  receiver: TransferStats;
  sender: TransferStats;
  /** Peak resident set of the receiving process, bytes. */
  receiverPeakRss: number;
  senderPeakRss: number;
  /** CPU time of each process during the transfer (the sender's includes its SHA-256 pass). */
  receiverCpuSeconds: number;
  senderCpuSeconds: number;
  receiverContextSwitches: number;
  senderContextSwitches: number;
  /** sendmsg-family system calls each side made for its sends (sendmmsg with the addon). */
  receiverSendCalls: number;
  senderSendCalls: number;
  identical: boolean;
}

export interface LoopbackOptions {
  /** A file on the real file system to send. */
  file: string;
  sha256: Buffer;
  window: number;
  packetSize: number;
  /** More transfer options for both sides (ack policy, rto...). */
  extra?: TransferOptionsInput;
}

/** Both transfer sockets ask the kernel for 4 MiB buffers, as this benchmark always has. */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Go-Back-N transfers between two processes over 127.0.0.1, one after the other in the same
 * pair of processes: the first runs on cold code (as a freshly started peer), later ones on code
 * the JIT has optimized (as a peer that has been up for a while).
 */
export async function runLoopbackTransfers(
  options: LoopbackOptions,
  repeats = 2,
): Promise<LoopbackRun[]> {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-gbn-'));
  const settings = { ...options.extra, window: options.window, packetSize: options.packetSize };
  const receiver = spawnRole(GBN_ROLES, ['receiver'], childNodeArgs());
  const sender = spawnRole(GBN_ROLES, ['sender'], childNodeArgs());
  const runs: LoopbackRun[] = [];
  try {
    await Promise.all([receiver.next(), sender.next()]);
    for (let index = 0; index < repeats; index++) {
      const transferId = randomBytes(4).readUInt32BE();
      sendOrder(receiver, {
        type: 'receive',
        dir,
        name: `received-${index}.bin`,
        transferId,
        options: { ...settings, lingerMs: 200 },
        recvBufferBytes: SOCKET_BUFFER_BYTES,
      });
      const { port } = await receiver.next<Listening>();
      sendOrder(sender, {
        type: 'send',
        path: options.file,
        port,
        transferId,
        options: settings,
        sendBufferBytes: SOCKET_BUFFER_BYTES,
      });
      const [received, sent] = await Promise.all([
        nextOk(receiver, 'receiver'),
        nextOk(sender, 'sender'),
      ]);
      const path = received.path as string;
      const identical = createHash('sha256')
        .update(await readFile(path))
        .digest()
        .equals(options.sha256);
      await rm(path);
      runs.push({
        window: options.window,
        packetSize: options.packetSize,
        bytes: received.stats.bytes,
        receiver: received.stats,
        sender: sent.stats,
        receiverPeakRss: received.peakRss,
        senderPeakRss: sent.peakRss,
        receiverCpuSeconds: received.cpuSeconds,
        senderCpuSeconds: sent.cpuSeconds,
        receiverContextSwitches: received.contextSwitches,
        senderContextSwitches: sent.contextSwitches,
        // With the addon, a datagram sent through node:dgram (before the connect, after an
        // EAGAIN) is not counted: a lower bound then.
        receiverSendCalls: received.nativeSendCalls ?? received.stats.packetsSent,
        senderSendCalls: sent.nativeSendCalls ?? sent.stats.packetsSent,
        identical,
      });
    }
    await Promise.all([stopRole(receiver, 3_000), stopRole(sender, 3_000)]);
    return runs;
  } finally {
    receiver.kill();
    sender.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SimRun {
  window: number;
  bytes: number;
  /** Wall-clock time of the transfer itself (the simulator running START to the final ACK). */
  wallSeconds: number;
  virtualSeconds: number;
  identical: boolean;
}

/** The same transfer between two simulated hosts over the lan profile. */
export async function runSimTransfer(window: number, bytes: number, seed = 1): Promise<SimRun> {
  const sim = new Simulator({ seed });
  const owner = sim.addHost('owner');
  const requester = sim.addHost('requester');
  sim.connect(owner, requester, 'lan');
  const data = randomBytes(bytes);
  owner.files.write('/share/file.bin', data);
  requester.files.mkdir('/downloads');
  const receiverSocket = requester.platform.dgram.createSocket();
  const { port } = await sim.until(receiverSocket.bind(0));
  const senderSocket = owner.platform.dgram.createSocket();
  await sim.until(senderSocket.bind(0));
  const file = await sim.until(owner.platform.fs.openRead('/share/file.bin'));
  const started = performance.now();
  const receiver = new TransferReceiver({
    platform: requester.platform,
    socket: receiverSocket,
    peerAddress: owner.address,
    transferId: 1,
    dir: '/downloads',
    name: 'file.bin',
    options: { window },
  });
  const sender = new TransferSender({
    platform: owner.platform,
    socket: senderSocket,
    peer: { address: requester.address, port },
    transferId: 1,
    file,
    options: { window },
  });
  const [{ path, stats }] = await sim.until(Promise.all([receiver.done, sender.done]));
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    window,
    bytes,
    wallSeconds,
    virtualSeconds: stats.seconds,
    identical: requester.files.read(path).equals(data),
  };
}

/** WHOHAS_CHILD_NODE_ARGS='--cpu-prof' profiles both sides. */
function childNodeArgs(): string[] {
  return (process.env.WHOHAS_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

const mb = (bytesPerSecond: number) => bytesPerSecond / 1e6;
const perMb = (count: number, bytes: number) => (count / (bytes / 1e6)).toFixed(0);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      windows: { type: 'string', default: '16,32' },
      bytes: { type: 'string' },
      'packet-size': { type: 'string', default: '2048' },
      memory: { type: 'boolean', default: false },
      options: { type: 'string', default: '{}' },
      'no-blast': { type: 'boolean', default: false },
      repeats: { type: 'string', default: '4' },
    },
  });
  const packetSize = Number(values['packet-size']);
  const extra = JSON.parse(values.options) as TransferOptionsInput;
  const windows = values.windows.split(',').map(Number);
  const repeats = Number(values.repeats);
  const bytes = Number(values.bytes ?? (values.memory ? 1e9 : REPORT_2016.bytes));
  const dir = await mkdtemp(join(tmpdir(), 'whohas-gbn-src-'));
  const file = join(dir, 'source.bin');
  try {
    const sha256 = await makeFile(file, bytes);
    if (values.memory) {
      const [run] = await runLoopbackTransfers({ file, sha256, window: 32, packetSize, extra }, 1);
      console.log(
        `${(bytes / 1e9).toFixed(2)} GB, N=32, ${packetSize}-byte datagrams: ${mb(run.receiver.throughputBps).toFixed(1)} MB/s, ` +
          `identical=${run.identical}; peak RSS receiver ${(run.receiverPeakRss / 1e6).toFixed(1)} MB, ` +
          `sender ${(run.senderPeakRss / 1e6).toFixed(1)} MB`,
      );
      return;
    }
    for (const window of windows) {
      // The blast right before each window's transfers: the machine's load drifts.
      const blast = values['no-blast']
        ? { bytesPerSecond: Number.NaN, datagramsPerSecond: Number.NaN }
        : await runUdpBlast({ datagramBytes: packetSize });
      console.log(
        `raw UDP blast, ${packetSize}-byte datagrams: ${mb(blast.bytesPerSecond).toFixed(1)} MB/s ` +
          `(${Math.round(blast.datagramsPerSecond)} datagrams/s received)`,
      );
      // The same exchange stripped to datagrams and ACKs: what the window alone allows here.
      const bare = values['no-blast']
        ? { bytesPerSecond: Number.NaN }
        : await runUdpWindow({ window, datagramBytes: packetSize });
      console.log(
        `raw UDP window exchange, N=${window}, ${packetSize}-byte datagrams, warm: ${mb(bare.bytesPerSecond).toFixed(1)} MB/s`,
      );
      const runs = await runLoopbackTransfers({ file, sha256, window, packetSize, extra }, repeats);
      for (const [index, run] of runs.entries()) {
        const rate = mb(run.receiver.throughputBps);
        const report = REPORT_2016.mbps[window];
        const label = index === 0 ? 'cold processes' : `warm, transfer ${index + 1}`;
        console.log(
          `N=${window} (${label}): ${(bytes / 1e6).toFixed(2)} MB in ${run.receiver.seconds.toFixed(3)} s = ${rate.toFixed(1)} MB/s` +
            (report ? `, ${(rate / report).toFixed(0)}x the 2016 report (${report} MB/s)` : '') +
            `, ${((run.receiver.throughputBps / blast.bytesPerSecond) * 100).toFixed(0)} % of the raw blast; ` +
            `retransmits ${run.sender.retransmits}, timeouts ${run.sender.timeouts}, srtt ${run.sender.srttMs.toFixed(2)} ms, ` +
            `ACKs ${run.receiver.packetsSent}, receiver duplicates ${run.receiver.duplicates} / out of order ${run.receiver.outOfOrder}, ` +
            `CPU s: receiver ${run.receiverCpuSeconds.toFixed(2)}, sender ${run.senderCpuSeconds.toFixed(2)}; ` +
            `per MB: context switches receiver ${perMb(run.receiverContextSwitches, bytes)}, sender ${perMb(run.senderContextSwitches, bytes)}, ` +
            `datagrams sent receiver ${perMb(run.receiver.packetsSent, bytes)}, sender ${perMb(run.sender.packetsSent, bytes)}, ` +
            `in send syscalls receiver ${perMb(run.receiverSendCalls, bytes)}, sender ${perMb(run.senderSendCalls, bytes)}; ` +
            `identical=${run.identical}, receiver peak RSS ${(run.receiverPeakRss / 1e6).toFixed(0)} MB`,
        );
      }
      if (runs.length > 1) {
        const warm = runs.slice(1).map((run) => run.receiver.throughputBps);
        const median = medianOf(warm);
        const report = REPORT_2016.mbps[window];
        console.log(
          `N=${window} warm median of ${warm.length}: ${mb(median).toFixed(1)} MB/s` +
            (report ? ` = ${(mb(median) / report).toFixed(0)}x the 2016 report` : '') +
            ` = ${((median / blast.bytesPerSecond) * 100).toFixed(0)} % of the raw blast (${mb(blast.bytesPerSecond).toFixed(1)} MB/s)` +
            ` = ${((median / bare.bytesPerSecond) * 100).toFixed(0)} % of the raw window exchange; load average ${loadavg()[0].toFixed(2)}`,
        );
      }
    }
    for (const window of windows) {
      const run = await runSimTransfer(window, bytes);
      console.log(
        `simulated lan, N=${window}: ${(bytes / 1e6).toFixed(2)} MB in ${run.wallSeconds.toFixed(3)} s of wall time ` +
          `(${run.virtualSeconds.toFixed(3)} s virtual), identical=${run.identical}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
