import test, { type ExecutionContext } from 'ava';
import {
  decodePacket,
  encodeAck,
  encodeData,
  encodeFin,
  encodeStart,
  SHA256_BYTES,
  seqAdd,
} from '../../impl/arq/codec.ts';
import { TransferReceiver } from '../../impl/arq/driver-receiver.ts';
import { Simulator } from '../../sim/index.ts';
import {
  assertDelivered,
  assertDownloads,
  DOWNLOADS,
  failureCode,
  forgedStart,
  logReplay,
  runTransfer,
  startTransfer,
  TRANSFER_ID,
  type TransferCase,
  type TransferWorld,
} from './driver-world.ts';

const quick = { maxRetries: 4, idleTimeoutMs: 3_000 };

test('100 % loss: both sides give up within bounds and nothing is left behind', async (t) => {
  const c: TransferCase = { size: 100_000, forward: { profile: 'lan', loss: 1 }, options: quick };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.sender), 'TRANSFER_TIMEOUT');
  t.is(failureCode(world.outcomes.receiver), 'TRANSFER_TIMEOUT');
  t.is(world.sender.stats.timeouts, quick.maxRetries + 1);
  // Nothing acknowledged START, so START alone went out again each time: never a window of data.
  t.is(world.sender.stats.retransmits, quick.maxRetries);
  // START each time, then the ABORT, repeated at most 5 times (nobody hears it).
  const aborts = world.sender.stats.packetsSent - (quick.maxRetries + 1);
  t.true(aborts >= 1 && aborts <= 5, `${aborts} ABORTs`);
  // 200 + 400 + 800 + 1600 + 2000 ms of backoff, then the abort.
  const gaveUp = world.settledAt.sender ?? Number.POSITIVE_INFINITY;
  t.true(gaveUp < 6_000, `gave up at ${gaveUp} ms`);
  assertDownloads(t, world, []);
});

/** A 3 MB transfer on a lan, struck by `fault` 10 ms in; `check` looks at what remains. */
const faultMidTransfer = test.macro(
  async (
    t,
    fault: (world: TransferWorld) => void,
    check: (t: ExecutionContext, world: TransferWorld) => void,
  ) => {
    const c: TransferCase = { size: 3_000_000, forward: 'lan', options: quick };
    logReplay(t, c);
    const world = await startTransfer(c);
    world.sim.after(10, () => fault(world));
    await world.sim.run();
    check(t, world);
  },
);

test(
  'a partition mid-transfer: both sides abort and the temp file is deleted',
  faultMidTransfer,
  (world) => world.sim.partition(world.owner, world.requester),
  (t, world) => {
    t.true(world.receiver.stats.bytes > 0, 'the partition struck mid-transfer');
    t.is(failureCode(world.outcomes.sender), 'TRANSFER_TIMEOUT');
    t.is(failureCode(world.outcomes.receiver), 'TRANSFER_TIMEOUT');
    assertDownloads(t, world, []);
  },
);

test(
  'the sender crashes mid-transfer: the receiver aborts cleanly, no partial file',
  faultMidTransfer,
  (world) => world.owner.crash(),
  (t, world) => {
    t.true(world.receiver.stats.bytes > 0 && world.receiver.stats.bytes < 3_000_000);
    t.is(failureCode(world.outcomes.receiver), 'TRANSFER_TIMEOUT');
    t.is(world.outcomes.sender, undefined, 'a crashed process settles nothing');
    assertDownloads(t, world, []);
  },
);

test(
  'the receiver crashes mid-transfer: the sender gives up (its upload slot frees)',
  faultMidTransfer,
  (world) => world.requester.crash(),
  (t, world) => {
    t.is(failureCode(world.outcomes.sender), 'TRANSFER_TIMEOUT');
    t.is(world.sender.stats.timeouts, quick.maxRetries + 1);
    t.true(world.sim.now < 10_000);
  },
);

const aborted = test.macro({
  async exec(t, side: 'sender' | 'receiver') {
    const c: TransferCase = { size: 3_000_000, forward: 'lan' };
    logReplay(t, c);
    const world = await startTransfer(c);
    world.sim.after(10, () => world[side].abort('user cancelled'));
    await world.sim.run();
    t.is(failureCode(world.outcomes[side]), 'TRANSFER_ABORTED');
    const other = side === 'sender' ? 'receiver' : 'sender';
    t.is(failureCode(world.outcomes[other]), 'TRANSFER_ABORTED', `the ${other} heard the ABORT`);
    t.true(world.sim.now < 100, 'without waiting for a timeout');
    assertDownloads(t, world, []);
  },
  title: (_title, side) => `the ${side} aborts: both sides stop at once, no partial file`,
});
test(aborted, 'sender');
test(aborted, 'receiver');

test('a SHA-256 mismatch is refused on both sides and nothing is committed', async (t) => {
  const c: TransferCase = { size: 50_000, lie: true };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.receiver), 'HASH_MISMATCH');
  t.is(failureCode(world.outcomes.sender), 'HASH_MISMATCH');
  assertDownloads(t, world, []);
});

// The core checks the digest and is done before the commit; its FIN ACK waits for the commit,
// so a failed commit must still reach the sender (as ABORT IO_ERROR), never as a FIN ACK.
test('a commit that fails is an IO_ERROR on both sides, and the FIN is never acknowledged', async (t) => {
  const c: TransferCase = { size: 50_000, commitFails: true };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.receiver), 'IO_ERROR');
  t.is(failureCode(world.outcomes.sender), 'IO_ERROR', 'the sender heard the ABORT');
  assertDownloads(t, world, []);
});

test('a lost final ACK: the lingering receiver acknowledges the FIN again', async (t) => {
  const c: TransferCase = { size: 20_000 };
  logReplay(t, c);
  const world = await startTransfer(c);
  const socket = world.receiverSocket;
  const send = socket.send.bind(socket);
  let dropped = 0;
  socket.send = (msg, port, address, callback) => {
    const packet = decodePacket(Buffer.from(msg));
    const finalAck = world.seq(Math.ceil(c.size / 2032) + 2);
    if (packet.kind === 'ack' && packet.seq === finalAck && dropped === 0) {
      dropped++;
      return;
    }
    send(msg, port, address, callback);
  };
  await world.sim.run();
  t.is(dropped, 1);
  assertDelivered(t, world);
  t.true(world.sender.stats.timeouts >= 1);
  t.true(world.receiver.stats.duplicates >= 1, 'the FIN came again');
});

test('stray and spoofed datagrams never reach a core: dropped by the receiver or by the connected sockets, counted', async (t) => {
  const c: TransferCase = { size: 2_000_000, forward: 'lan' };
  logReplay(t, c);
  const world = await startTransfer(c);
  const { sim, owner, requester, ports } = world;
  let bytesWhenForged = 0;
  const mallory = sim.addHost('mallory');
  const third = mallory.platform.dgram.createSocket();
  const sameHost = owner.platform.dgram.createSocket();
  await sim.until(third.bind(0));
  await sim.until(sameHost.bind(0));
  const _sha = Buffer.alloc(SHA256_BYTES);
  const toReceiver = (socket: typeof third, msg: Buffer) =>
    socket.send(msg, ports.receiver, requester.address);
  // Before the real START: a third host with the right id, the owner's host with a wrong id.
  toReceiver(third, forgedStart(TRANSFER_ID));
  toReceiver(sameHost, forgedStart(TRANSFER_ID + 1));
  sim.after(3, () => {
    bytesWhenForged = world.receiver.stats.bytes;
    // Mid-transfer: forged data and FIN from elsewhere, and from the owner's host on another
    // port (the receiver locked on to the sender's port); forged ACKs claiming completion.
    for (let seq = 1; seq < 50; seq++)
      toReceiver(third, encodeData(TRANSFER_ID, seq, Buffer.from('evil')));
    toReceiver(third, encodeFin(TRANSFER_ID, 5));
    toReceiver(sameHost, encodeData(TRANSFER_ID, 3, Buffer.from('evil')));
    toReceiver(sameHost, encodeFin(TRANSFER_ID, 3));
    toReceiver(sameHost, Buffer.from('not a packet'));
    third.send(encodeAck(TRANSFER_ID, 1_000, 0xbadn, 16), ports.sender, owner.address);
    sameHost.send(encodeAck(TRANSFER_ID + 1, 100, 0xbadn, 16), ports.sender, owner.address);
  });
  await sim.run();
  assertDelivered(t, world);
  assertDownloads(t, world, ['file.bin']);
  // Both sockets connect to each other at their first send (the receiver answers the real
  // START at once, before the forged ones arrive), so the kernel (the simulated one) drops every
  // forgery before it wakes either side: 2 STARTs, 49 DATA, 1 FIN, 3 from the owner's other
  // port, 2 ACKs.
  t.is(world.receiver.stats.ignored, 0, 'nothing forged woke the receiver');
  t.is(world.sender.stats.ignored, 0);
  t.is(sim.trace.counters.drops['not-connected'], 2 + 49 + 1 + 3 + 2);
  t.true(bytesWhenForged > 0 && bytesWhenForged < c.size, 'forged mid-transfer');
});

test('a receiver that never hears from the sender gives up after its idle timeout', async (t) => {
  const sim = new Simulator({ seed: 3 });
  const host = sim.addHost('requester');
  host.files.mkdir(DOWNLOADS);
  const socket = host.platform.dgram.createSocket();
  await sim.until(socket.bind(0));
  const receiver = new TransferReceiver({
    platform: host.platform,
    socket,
    peerAddress: '10.0.0.9',
    transferId: 1,
    dir: DOWNLOADS,
    name: 'x',
    options: { idleTimeoutMs: 1_500 },
  });
  const error = await t.throwsAsync(sim.until(receiver.done));
  t.is((error as { code?: string }).code, 'TRANSFER_TIMEOUT');
  t.is(sim.now, 1_500);
  t.deepEqual(host.files.list(DOWNLOADS), []);
});

test('a sender of one scheme and a receiver of the other both fail with UNSUPPORTED_ARQ, quickly', async (t) => {
  const c: TransferCase = {
    size: 50_000,
    forward: 'lan',
    senderOptions: { arq: 'sr' },
    receiverOptions: { arq: 'gbn' },
  };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.receiver), 'UNSUPPORTED_ARQ');
  t.is(failureCode(world.outcomes.sender), 'UNSUPPORTED_ARQ');
  t.true((world.settledAt.sender ?? Number.POSITIVE_INFINITY) < 100, 'told, not timed out');
  assertDownloads(t, world, []);
});

test('a sender whose FIN comes before the announced size is refused with SIZE_MISMATCH', async (t) => {
  // A hand-made sender: START announcing 5000 bytes, one DATA of 2032, then FIN in sequence.
  const sim = new Simulator({ seed: 4 });
  const owner = sim.addHost('owner');
  const requester = sim.addHost('requester');
  requester.files.mkdir(DOWNLOADS);
  const socket = requester.platform.dgram.createSocket();
  const { port } = await sim.until(socket.bind(0));
  const liar = owner.platform.dgram.createSocket();
  await sim.until(liar.bind(0));
  const receiver = new TransferReceiver({
    platform: requester.platform,
    socket,
    peerAddress: owner.address,
    transferId: TRANSFER_ID,
    dir: DOWNLOADS,
    name: 'short.bin',
  });
  const isn = 0xffff_fffe; // the FIN's sequence number wraps past 2^32
  const start = {
    transferId: TRANSFER_ID,
    isn,
    fileSize: 5_000,
    sha256: Buffer.alloc(SHA256_BYTES),
    window: 16,
    scheme: 'gbn' as const,
    token: 7n,
  };
  const heard: string[] = [];
  liar.on('message', (msg: Buffer) => heard.push(decodePacket(msg).kind));
  liar.send(encodeStart(start), port, requester.address);
  sim.after(5, () => {
    liar.send(
      encodeData(TRANSFER_ID, seqAdd(isn, 1), Buffer.alloc(2_032, 1)),
      port,
      requester.address,
    );
    liar.send(encodeFin(TRANSFER_ID, seqAdd(isn, 2)), port, requester.address);
  });
  const error = await t.throwsAsync(sim.until(receiver.done));
  t.is((error as { code?: string }).code, 'SIZE_MISMATCH');
  t.true(sim.now < 100, `refused at ${sim.now} ms, not after an idle timeout`);
  await sim.run();
  t.true(heard.includes('abort'), 'the sender was told');
  t.deepEqual(requester.files.list(DOWNLOADS), []);
});
