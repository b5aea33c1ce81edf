/**
 * The Go-Back-N roles of the real-loopback benchmarks, one child process each: a sender and a
 * receiver that stay up for many transfers, run one per order from the parent over the node
 * platform on 127.0.0.1, and report each one's status, stats, peak RSS and CPU time. The udp
 * sweep engine (udp-gbn.ts, its receiver in the parent) spawns the sender; the loopback
 * benchmark (bench/gbn-loopback.ts) spawns both.
 *
 *   (spawned) gbn-roles.ts sender|receiver    then JSON orders on stdin, reports on stdout
 */
import { isMain, parentChannel, type RoleProcess, runRole } from '../../harness/roles.ts';
import {
  type TransferOptionsInput,
  TransferReceiver,
  TransferSender,
  type TransferStats,
} from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { loadNativeUdp } from '../../impl/platform/native-udp.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { DatagramSocket, Platform } from '../../impl/platform/types.ts';
import { SealedSocket } from '../../impl/seal/sealed-socket.ts';

export type GbnRole = 'sender' | 'receiver';

/** The module both roles run (for spawnRole). */
export const GBN_ROLES = new URL('./gbn-roles.ts', import.meta.url).href;

export interface SendOrder {
  type: 'send';
  path: string;
  /** Hex; absent: the sender hashes the file itself (its CPU time then includes that pass). */
  sha256?: string;
  port: number;
  transferId: number;
  options: TransferOptionsInput;
  /** SO_SNDBUF of the transfer's socket (default: the system's). */
  sendBufferBytes?: number;
  /** Seal the transfer (bench/seal.ts): 64 bytes hex, sender→receiver key then the reverse. */
  sealKeys?: string;
}

export interface ReceiveOrder {
  type: 'receive';
  dir: string;
  name: string;
  transferId: number;
  options: TransferOptionsInput;
  /** SO_RCVBUF of the transfer's socket (default: the system's). */
  recvBufferBytes?: number;
  /** As SendOrder's. */
  sealKeys?: string;
}

/** `abort` ends the running transfer (a time limit); `exit` (or stdin closing) ends the role. */
export type GbnOrder = SendOrder | ReceiveOrder | { type: 'abort' } | { type: 'exit' };

/** A role's first line, once it reads orders. */
export interface RoleReady {
  ready: true;
}

/** The receiver's answer to a `receive` order, before the transfer: where to send. */
export interface Listening {
  port: number;
}

/** Each transfer's end, on either side. */
export interface TransferReport {
  /** 'ok', or the WhohasError code the transfer failed with. */
  status: string;
  stats: TransferStats;
  /** The committed file (the receiver, when ok). */
  path?: string;
  /** This process's peak resident set, bytes. */
  peakRss: number;
  /** CPU seconds (user + system) this process spent on the transfer. */
  cpuSeconds: number;
  /**
   * Context switches (voluntary + involuntary) this process made during the transfer: how often
   * the two processes took turns instead of running side by side.
   */
  contextSwitches: number;
  /**
   * System calls the native addon made for this transfer's sends (sendmmsg: several datagrams
   * each), when it is loaded; otherwise absent, and every datagram is one sendmsg.
   */
  nativeSendCalls?: number;
}

/** The parent's side: an order, type-checked. */
export function sendOrder(role: RoleProcess, order: GbnOrder): void {
  role.send(order);
}

/** The next report, which must be 'ok' (for benchmarks whose figures need a whole transfer). */
export async function nextOk(role: RoleProcess, side: GbnRole): Promise<TransferReport> {
  const report = await role.next<TransferReport>();
  if (report.status !== 'ok') throw new Error(`the ${side} failed: ${report.status}`);
  return report;
}

/** After `exit`: the receiver stays for the last linger (a lost FIN-ACK gets re-sent). */
const EXIT_DELAY_MS: Record<GbnRole, number> = { sender: 50, receiver: 250 };

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** CPU seconds (user + system) this process has used since `since`. */
function cpuSeconds(role: GbnRole, since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  if (process.env.WHOHAS_CPU_SPLIT)
    console.error(`${role} user ${used.user / 1e6} s, system ${used.system / 1e6} s`);
  return (used.user + used.system) / 1e6;
}

interface Running {
  done: Promise<unknown>;
  stats: TransferStats;
  abort(message: string): void;
}

async function startSender(platform: Platform, order: SendOrder): Promise<Running> {
  const socket = platform.dgram.createSocket();
  if (order.sendBufferBytes !== undefined) socket.setSendBufferSize(order.sendBufferBytes);
  await socket.bind(0, '127.0.0.1');
  return new TransferSender({
    platform,
    socket: sealed(socket, order.sealKeys, 'sender'),
    peer: { address: '127.0.0.1', port: order.port },
    transferId: order.transferId,
    file: await platform.fs.openRead(order.path),
    sha256: order.sha256 === undefined ? undefined : Buffer.from(order.sha256, 'hex'),
    options: order.options,
  });
}

async function startReceiver(
  platform: Platform,
  order: ReceiveOrder,
): Promise<{ running: Running; port: number }> {
  const socket = platform.dgram.createSocket();
  if (order.recvBufferBytes !== undefined) socket.setRecvBufferSize(order.recvBufferBytes);
  const { port } = await socket.bind(0, '127.0.0.1');
  const running = new TransferReceiver({
    platform,
    socket: sealed(socket, order.sealKeys, 'receiver'),
    peerAddress: '127.0.0.1',
    transferId: order.transferId,
    dir: order.dir,
    name: order.name,
    options: order.options,
  });
  return { running, port };
}

/** The socket itself, or (with keys) a SealedSocket around it. */
function sealed(socket: DatagramSocket, keys: string | undefined, role: GbnRole): DatagramSocket {
  if (keys === undefined) return socket;
  const bytes = Buffer.from(keys, 'hex');
  const [forward, backward] = [bytes.subarray(0, 32), bytes.subarray(32, 64)];
  const send = role === 'sender' ? forward : backward;
  return new SealedSocket(socket, { send, receive: role === 'sender' ? backward : forward });
}

/** Waits for the transfer; a WhohasError is a status, anything else a bug. */
function contextSwitches(): number {
  const usage = process.resourceUsage();
  return usage.voluntaryContextSwitches + usage.involuntaryContextSwitches;
}

async function report(
  role: GbnRole,
  running: Running,
  cpu: NodeJS.CpuUsage,
  switchesBefore: number,
  nativeCallsBefore: number,
) {
  let status = 'ok';
  let path: string | undefined;
  try {
    const value = await running.done;
    if (role === 'receiver') path = (value as { path: string }).path;
  } catch (error) {
    if (!isWhohasError(error)) throw error;
    status = error.code;
  }
  const result: TransferReport = {
    status,
    stats: running.stats,
    path,
    peakRss: peakRss(),
    cpuSeconds: cpuSeconds(role, cpu),
    contextSwitches: contextSwitches() - switchesBefore,
  };
  const native = loadNativeUdp();
  // None made (a sealed socket has no sendBatch): every datagram went through node:dgram.
  const calls = native === undefined ? 0 : native.syscalls() - nativeCallsBefore;
  if (calls > 0) result.nativeSendCalls = calls;
  return result;
}

async function serve(role: GbnRole): Promise<void> {
  const parent = parentChannel();
  const platform = createNodePlatform();
  let current: Running | undefined;
  parent.send({ ready: true } satisfies RoleReady);
  for (;;) {
    const order = await parent.next<GbnOrder>().catch(() => ({ type: 'exit' }) as const);
    if (order.type === 'exit') break;
    if (order.type === 'abort') {
      current?.abort('benchmark time limit');
      continue;
    }
    if (order.type !== (role === 'sender' ? 'send' : 'receive'))
      throw new Error(`the ${role} cannot ${order.type}`);
    const cpu = process.cpuUsage();
    const switches = contextSwitches();
    const nativeCalls = loadNativeUdp()?.syscalls() ?? 0;
    if (order.type === 'send') current = await startSender(platform, order);
    else {
      const started = await startReceiver(platform, order as ReceiveOrder);
      current = started.running;
      parent.send({ port: started.port } satisfies Listening);
    }
    report(role, current, cpu, switches, nativeCalls).then(parent.send, (error: unknown) =>
      parent.send({ error: String((error as Error).stack ?? error) }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, EXIT_DELAY_MS[role]));
  process.exit(0);
}

if (isMain(import.meta.url)) {
  const role = process.argv[2];
  if (role === 'sender' || role === 'receiver') await runRole(() => serve(role));
  else throw new Error(`gbn-roles.ts: unknown role ${role} (sender or receiver)`);
}
