/**
 * A two-host simulated world running one Go-Back-N transfer: `owner` sends /share/<name> to
 * `requester`, which commits it into /downloads. The hosts come from the harness world on the
 * simulator backend; their path is set with the simulator's own `connect` (not `world.impair`,
 * which layers a spec over the lan profile: the seeds and figures here are pinned to the bare
 * profiles). Outcomes are captured as they settle, so a test can run the simulator to quiescence
 * and then look at both sides, the files and the stats.
 */
import { createHash } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { failingCommit, slowDisk } from '../../harness/disk-faults.ts';
import { createWorld, type World } from '../../harness/world.ts';
import { decodePacket, encodeStart, SHA256_BYTES, seqAdd } from '../../impl/arq/codec.ts';
import { type ReceivedFile, TransferReceiver } from '../../impl/arq/driver-receiver.ts';
import { TransferSender } from '../../impl/arq/driver-sender.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import type { TransferStats } from '../../impl/arq/stats.ts';
import type { DatagramSocket } from '../../impl/platform/types.ts';
import type { PathConfig, ProfileName, SimHost, Simulator } from '../../sim/index.ts';

export const TRANSFER_ID = 0x5eed_0001;
export const DOWNLOADS = '/downloads';

export interface TransferCase {
  seed?: number;
  size: number;
  name?: string;
  /** owner → requester, and requester → owner (defaults to `forward`). */
  forward?: ProfileName | PathConfig;
  backward?: ProfileName | PathConfig;
  options?: TransferOptionsInput;
  /** Per side, on top of `options`. */
  senderOptions?: TransferOptionsInput;
  receiverOptions?: TransferOptionsInput;
  /** The receiver's folder (default /downloads, created). Another path is not created. */
  downloads?: string;
  /** Files already in the downloads folder, with their contents. */
  existing?: Record<string, string>;
  /** Each write to the receiver's temp file takes this long (a slow disk). */
  diskWriteMs?: number;
  /** The receiver's disk refuses to commit (rename) the finished temp file. */
  commitFails?: boolean;
  /** A wrong SHA-256 announced by the sender. */
  lie?: boolean;
  /** Runs once the receiver exists, before the sender does (e.g. a spoofer that comes first). */
  beforeSender?: (world: {
    sim: Simulator;
    owner: SimHost;
    requester: SimHost;
    receiver: TransferReceiver;
    ports: { sender: number; receiver: number };
  }) => Promise<void>;
}

/** How one side's promise settled. */
export type Settled<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code?: string; message: string } };

export interface TransferWorld {
  /** The harness world the two hosts live in (simulator backend). */
  world: World;
  sim: Simulator;
  owner: SimHost;
  requester: SimHost;
  data: Buffer;
  sender: TransferSender;
  receiver: TransferReceiver;
  senderSocket: DatagramSocket;
  receiverSocket: DatagramSocket;
  ports: { sender: number; receiver: number };
  /** Filled in when each side settles. */
  outcomes: { sender?: Settled<TransferStats>; receiver?: Settled<ReceivedFile> };
  /** Virtual time each side's promise settled at. */
  settledAt: { sender?: number; receiver?: number };
  /** The sender's random initial sequence number, once its START went out. */
  isn: number | undefined;
  /** Sequence number `n` of this transfer (0 is START), for tests that pick a packet. */
  seq(n: number): number;
}

/** A START a forger could send: the transfer id is known (it travels on the chat line). */
export function forgedStart(transferId: number): Buffer {
  return encodeStart({
    transferId,
    isn: 5,
    fileSize: 5,
    sha256: Buffer.alloc(SHA256_BYTES),
    window: 16,
    scheme: 'gbn',
    token: 0xbadn,
  });
}

/** Deterministic bytes that differ at every position (a SHA-256 chain of the seed). */
export function content(size: number, seed: number): Buffer {
  const data = Buffer.allocUnsafe(size);
  let block = createHash('sha256').update(`content/${seed}`).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(data, at, 0, Math.min(block.length, size - at));
    block = createHash('sha256').update(block).digest();
  }
  return data;
}

function capture<T>(promise: Promise<T>, set: (outcome: Settled<T>) => void): void {
  promise.then(
    (value) => set({ ok: true, value }),
    (error) => set({ ok: false, error }),
  );
}

/** Builds the world and starts both sides; the simulator has not run yet. */
export async function startTransfer(c: TransferCase): Promise<TransferWorld> {
  const harness = await createWorld({ backend: 'sim', seed: c.seed ?? 1 });
  const sim = harness.sim as Simulator;
  const owner = harness.simHost('owner');
  const requester = harness.simHost('requester');
  if (c.forward !== undefined) sim.connect(owner, requester, c.forward, c.backward ?? c.forward);
  const name = c.name ?? 'file.bin';
  const data = content(c.size, c.seed ?? 1);
  owner.files.write(`/share/${name}`, data);
  requester.files.mkdir(DOWNLOADS);
  for (const [existing, text] of Object.entries(c.existing ?? {})) {
    requester.files.write(`${DOWNLOADS}/${existing}`, text);
  }
  const receiverSocket = requester.platform.dgram.createSocket();
  const { port } = await sim.until(receiverSocket.bind(0));
  const senderSocket = owner.platform.dgram.createSocket();
  const { port: senderPort } = await sim.until(senderSocket.bind(0));
  const file = await sim.until(owner.platform.fs.openRead(`/share/${name}`));
  const receiver = new TransferReceiver({
    platform: c.commitFails
      ? failingCommit(requester.platform)
      : c.diskWriteMs === undefined
        ? requester.platform
        : slowDisk(requester.platform, c.diskWriteMs),
    socket: receiverSocket,
    peerAddress: owner.address,
    transferId: TRANSFER_ID,
    dir: c.downloads ?? DOWNLOADS,
    name,
    options: { ...c.options, ...c.receiverOptions },
  });
  await c.beforeSender?.({
    sim,
    owner,
    requester,
    receiver,
    ports: { sender: senderPort, receiver: port },
  });
  const sender = new TransferSender({
    platform: owner.platform,
    socket: senderSocket,
    peer: { address: requester.address, port },
    transferId: TRANSFER_ID,
    file,
    sha256: c.lie ? createHash('sha256').update('not this file').digest() : undefined,
    options: { ...c.options, ...c.senderOptions },
  });
  const world: TransferWorld = {
    world: harness,
    sim,
    owner,
    requester,
    data,
    sender,
    receiver,
    senderSocket,
    receiverSocket,
    ports: { sender: senderPort, receiver: port },
    outcomes: {},
    settledAt: {},
    isn: undefined,
    seq: (n) => seqAdd(world.isn ?? 0, n),
  };
  // Learn the ISN from the first START on the wire (tests address packets relative to it).
  const send = senderSocket.send.bind(senderSocket);
  senderSocket.send = (msg, port, address, callback) => {
    if (world.isn === undefined) {
      const packet = decodePacket(Buffer.from(msg));
      if (packet.kind === 'start') world.isn = packet.seq;
    }
    send(msg, port, address, callback);
  };
  capture(sender.done, (outcome) => {
    world.outcomes.sender = outcome;
    world.settledAt.sender = sim.now;
  });
  capture(receiver.done, (outcome) => {
    world.outcomes.receiver = outcome;
    world.settledAt.receiver = sim.now;
  });
  return world;
}

/** Runs a transfer until nothing is left to simulate. */
export async function runTransfer(c: TransferCase): Promise<TransferWorld> {
  const world = await startTransfer(c);
  await world.sim.run();
  return world;
}

/** The replay hint every failing simulated test prints. */
export function logReplay(t: ExecutionContext, c: TransferCase): void {
  t.log(`seed ${c.seed ?? 1}; replay: npx ava test/arq/ --match '${t.title}'`);
}

/** Asserts both sides succeeded and the committed file is byte-identical; returns it. */
export function assertDelivered(
  t: ExecutionContext,
  world: TransferWorld,
  name = 'file.bin',
): ReceivedFile {
  const { sender, receiver } = world.outcomes;
  if (!receiver?.ok)
    t.fail(`receiver failed: ${receiver ? receiver.error.message : 'never settled'}`);
  if (!sender?.ok) t.fail(`sender failed: ${sender ? sender.error.message : 'never settled'}`);
  const received = (receiver as { value: ReceivedFile }).value;
  t.is(received.path, `${DOWNLOADS}/${name}`);
  const got = world.requester.files.read(received.path);
  t.is(got.length, world.data.length);
  t.true(got.equals(world.data), 'the committed file is byte-identical');
  t.is(received.stats.bytes, world.data.length);
  t.is((sender as { value: TransferStats }).value.bytes, world.data.length);
  return received;
}

/** The downloads folder holds exactly these names (no temp file, no partial file). */
export function assertDownloads(t: ExecutionContext, world: TransferWorld, names: string[]): void {
  t.deepEqual(
    world.requester.files.list(DOWNLOADS).map((entry) => entry.name),
    [...names].sort(),
  );
}

export function failureCode(outcome: Settled<unknown> | undefined): string | undefined {
  return outcome !== undefined && !outcome.ok ? outcome.error.code : undefined;
}
