/**
 * What the scenario catalogue and the benchmarks found weak: a window larger than the path can
 * queue, loss recovery that waits for the timeout, reflection of a window of data to a forged
 * address, give-up horizons out of step, and the receiver's port lock-on.
 */
import test from 'ava';
import { decodePacket } from '../../impl/arq/codec.ts';
import { TransferSender } from '../../impl/arq/driver-sender.ts';
import {
  defaultIdleTimeoutMs,
  defaultTransferOptions,
  resolveTransferOptions,
  senderGiveUpHorizonMs,
} from '../../impl/arq/options.ts';
import type { SimDatagramSocket } from '../../sim/index.ts';
import { Simulator } from '../../sim/index.ts';
import {
  assertDelivered,
  assertDownloads,
  failureCode,
  forgedStart,
  logReplay,
  runTransfer,
  startTransfer,
  TRANSFER_ID,
  type TransferCase,
} from './driver-world.ts';

const textbook = {
  congestion: 'none',
  fastRetransmit: false,
  ack: { packets: 1, delayMs: 1 },
} as const;

const bigWindow = (options: TransferCase['options']): TransferCase => ({
  size: 4_000_000,
  forward: 'lan',
  options: { window: 256, ...options },
});

test('a window past the path queue settles on a smaller one instead of collapsing', async (t) => {
  const c = bigWindow({});
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const stats = world.sender.stats;
  t.true(stats.windowMin < 256, `the window shrank (to ${stats.windowMin})`);
  t.true(stats.windowNow > stats.windowMin, 'and grew back after the loss');
  t.true(stats.retransmits < 1_000, `${stats.retransmits} retransmissions`);
  t.true(stats.seconds < 0.1, `${stats.seconds} s virtual for 4 MB`);
});

test('a slow path without loss: no spurious timeout from the tiny START’s round trip', async (t) => {
  // 1 Mbit/s: a data packet takes 16 ms on the wire, START well under 1 ms. Timing START would
  // set the RTO to its 10 ms floor and time out on every packet still being serialised.
  const c: TransferCase = {
    size: 500_000,
    forward: { profile: 'lan', bandwidthBps: 1e6 },
    backward: 'lan',
  };
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const stats = world.sender.stats;
  t.is(stats.timeouts, 0);
  t.is(stats.retransmits, 0);
  t.true(stats.srttMs > 16, `srtt ${stats.srttMs} ms covers a data packet's serialisation`);
  t.true(stats.seconds < 4.5, `${stats.seconds} s virtual for 4 Mbit at 1 Mbit/s`);
});

test('textbook Go-Back-N (congestion none) keeps its window and pays for it', async (t) => {
  const c = bigWindow(textbook);
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const stats = world.sender.stats;
  t.is(stats.windowMin, 256);
  t.is(stats.windowNow, 256);
  t.is(stats.fastRetransmits, 0);
  t.true(stats.timeouts > 5, 'every window overflows the queue and times out');
  // Nearly every other packet is sent twice (the backoff ends with progress, so it pays in
  // packets rather than in 2 s timeouts).
  t.true(stats.retransmits > stats.packetsSent / 3, `${stats.retransmits} retransmits`);
});

test('the receiver asks for a socket buffer that holds its window, the sender too', async (t) => {
  const world = await startTransfer({ size: 1_000, options: { window: 1_024 } });
  const receiver = world.receiverSocket as SimDatagramSocket;
  t.true(receiver.recvBufferSize >= 1_024 * 2_048, `${receiver.recvBufferSize} bytes`);
  await world.sim.run();
  assertDelivered(t, world);
});

/** Drops the sender's first copy of DATA `seq`: one loss, mid-window, nothing else. */
async function withOneLoss(c: TransferCase, seq: number) {
  const world = await startTransfer(c);
  const socket = world.senderSocket;
  const send = socket.send.bind(socket);
  let dropped = 0;
  socket.send = (msg, port, address, callback) => {
    const packet = decodePacket(Buffer.from(msg));
    if (packet.kind === 'data' && packet.seq === world.seq(seq) && dropped === 0) {
      dropped++;
      return;
    }
    send(msg, port, address, callback);
  };
  await world.sim.run();
  return world;
}

const oneLoss = (options: TransferCase['options']): TransferCase => ({
  size: 500_000,
  forward: 'wan',
  options,
});

test('three duplicate ACKs resend a lost packet without waiting for the timeout', async (t) => {
  const c = oneLoss({});
  logReplay(t, c);
  const fast = await withOneLoss(c, 40);
  assertDelivered(t, fast);
  const slow = await withOneLoss(oneLoss({ fastRetransmit: false }), 40);
  assertDelivered(t, slow);
  t.is(fast.sender.stats.fastRetransmits, 1);
  t.is(fast.sender.stats.timeouts, 0);
  t.is(slow.sender.stats.fastRetransmits, 0);
  t.is(slow.sender.stats.timeouts, 1);
  t.true(
    fast.sender.stats.seconds < slow.sender.stats.seconds,
    `${fast.sender.stats.seconds} s with fast retransmit, ${slow.sender.stats.seconds} s without`,
  );
});

const reordering = (options: TransferCase['options']): TransferCase => ({
  size: 200_000,
  seed: 21,
  // A real link (lan): packets arrive one by one. On an ideal one (no serialization delay) a
  // window lands as one burst, and a burst draws one ACK: no duplicate ACKs to recover with.
  forward: { profile: 'lan', reorder: 0.2, reorderDelayMs: 2 },
  options,
});

test('20 % reordering: loss signals and a shrinking window avoid a train of timeouts', async (t) => {
  const c = reordering({});
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const textbookWorld = await runTransfer(reordering({ ...textbook, maxRetries: 30 }));
  assertDelivered(t, textbookWorld);
  const robust = world.sender.stats;
  const plain = textbookWorld.sender.stats;
  t.true(robust.fastRetransmits > 0);
  t.true(robust.seconds < 2, `${robust.seconds} s virtual (textbook: ${plain.seconds} s)`);
  // Since the RTO backoff ends with progress the textbook sender no longer sits out 2 s timeouts;
  // it pays in timeouts and in packets sent again.
  t.true(robust.timeouts < plain.timeouts, `${robust.timeouts} vs ${plain.timeouts} timeouts`);
  t.true(2 * robust.retransmits < plain.retransmits);
  t.true(robust.seconds < plain.seconds);
});

test('the textbook sender recovers from loss by timeout only, with its full window', async (t) => {
  const c: TransferCase = {
    size: 400_000,
    seed: 11,
    forward: { profile: 'lan', loss: 0.01 },
    options: { ...textbook, maxRetries: 30 },
  };
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const stats = world.sender.stats;
  t.true(stats.timeouts > 0);
  t.is(stats.fastRetransmits, 0);
  t.is(stats.windowMin, 16);
  t.true(world.receiver.stats.outOfOrder > 0, 'the receiver saw gaps (and ACKed them at once)');
});

test('a getfile naming a forged address draws a few STARTs, never a window of data', async (t) => {
  const sim = new Simulator({ seed: 5 });
  const owner = sim.addHost('owner');
  const victim = sim.addHost('victim');
  const data = Buffer.alloc(1_000_000, 7);
  owner.files.write('/share/big.bin', data);
  const target = victim.platform.dgram.createSocket();
  const { port } = await sim.until(target.bind(0));
  const kinds: string[] = [];
  target.on('message', (msg) => {
    kinds.push(decodePacket(msg).kind);
  });
  const socket = owner.platform.dgram.createSocket();
  await sim.until(socket.bind(0));
  const maxRetries = 4;
  const sender = new TransferSender({
    platform: owner.platform,
    socket,
    peer: { address: victim.address, port },
    transferId: TRANSFER_ID,
    file: await sim.until(owner.platform.fs.openRead('/share/big.bin')),
    options: { window: 1_024, maxRetries },
  });
  const error = await t.throwsAsync(sim.until(sender.done));
  t.is((error as { code?: string }).code, 'TRANSFER_TIMEOUT');
  await sim.run();
  const aborts = kinds.slice(maxRetries + 1);
  t.deepEqual(kinds.slice(0, maxRetries + 1), Array(maxRetries + 1).fill('start'));
  // Then only the ABORT, repeated (nobody answers it) at most 5 times.
  t.true(aborts.length >= 1 && aborts.length <= 5 && aborts.every((kind) => kind === 'abort'));
});

test('by default the receiver outlasts the sender’s whole retry horizon', (t) => {
  const options = resolveTransferOptions({});
  t.true(options.idleTimeoutMs > senderGiveUpHorizonMs(options));
  t.is(defaultTransferOptions.idleTimeoutMs, defaultIdleTimeoutMs(defaultTransferOptions));
  const patient = resolveTransferOptions({ maxRetries: 20, rto: { mode: 'fixed', ms: 500 } });
  t.is(senderGiveUpHorizonMs(patient), 21 * 500);
  t.is(patient.idleTimeoutMs, 22 * 500);
  t.is(resolveTransferOptions({ idleTimeoutMs: 1_234 }).idleTimeoutMs, 1_234, 'explicit wins');
});

test('an 11 s outage: the receiver waits while the sender still retries, then both finish', async (t) => {
  // The sender's 17 timeouts (10 ms doubling to 2 s) span over 20 s: past the old 10 s idle timeout.
  const c: TransferCase = { size: 1_000_000, forward: 'lan', options: { maxRetries: 16 } };
  logReplay(t, c);
  const world = await startTransfer(c);
  world.sim.after(2, () => world.sim.partition(world.owner, world.requester));
  world.sim.after(11_002, () => world.sim.heal(world.owner, world.requester));
  await world.sim.run();
  assertDelivered(t, world);
  t.true(world.sender.stats.timeouts >= 10);
  t.true(world.sender.stats.seconds > 11);
});

const spoofedFirst = (lock: boolean): TransferCase => ({
  size: 100_000,
  forward: 'lan',
  options: { maxRetries: 2 },
  async beforeSender({ sim, owner, requester, receiver, ports }) {
    if (lock) receiver.lockPeerPort(ports.sender);
    // On the owner's host, another port, the right transfer id, before the real START.
    const spoofer = owner.platform.dgram.createSocket();
    await sim.until(spoofer.bind(0));
    spoofer.send(forgedStart(TRANSFER_ID), ports.receiver, requester.address);
    await sim.until(new Promise<void>((resolve) => sim.after(5, resolve)));
  },
});

test('the receiver locked on to the announced port ignores a spoofer that came first', async (t) => {
  const c = spoofedFirst(true);
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  assertDownloads(t, world, ['file.bin']);
  t.is(world.receiver.stats.ignored, 1);
});

test('without the announced port a spoofer that came first captures the lock-on', async (t) => {
  const c = spoofedFirst(false);
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.sender), 'TRANSFER_TIMEOUT');
  assertDownloads(t, world, []);
});
