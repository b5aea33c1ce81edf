import test from 'ava';
import { decodePacket, HEADER_BYTES } from '../../impl/arq/codec.ts';
import { FINAL_ACK_REPEATS } from '../../impl/arq/final-ack.ts';
import { MIN_PACKET_SIZE } from '../../impl/arq/options.ts';
import type { PathConfig } from '../../sim/index.ts';
import {
  assertDelivered,
  assertDownloads,
  failureCode,
  logReplay,
  runTransfer,
  startTransfer,
  type TransferCase,
} from './driver-world.ts';

const PAYLOAD = 2048 - HEADER_BYTES;

const delivers = test.macro({
  async exec(t, c: TransferCase) {
    logReplay(t, c);
    const world = await runTransfer(c);
    const received = assertDelivered(t, world, c.name);
    assertDownloads(t, world, [c.name ?? 'file.bin', ...Object.keys(c.existing ?? {})]);
    t.is(received.stats.ignored, 0);
  },
  title: (name = '') => `delivers ${name} byte-identically`,
});

for (const [label, size] of [
  ['an empty file', 0],
  ['a 1-byte file', 1],
  ['one payload minus one byte', PAYLOAD - 1],
  ['exactly one payload', PAYLOAD],
  ['one payload plus one byte', PAYLOAD + 1],
  ['3 MB', 3_000_000],
] as const) {
  test(label, delivers, { size, forward: 'lan' });
}

test('with N = 1 (stop-and-wait)', delivers, { size: 100_000, options: { window: 1 } });
test('with N = 1024', delivers, { size: 3_000_000, options: { window: 1024 } });
test('with 64 KB datagrams', delivers, { size: 1_000_000, options: { packetSize: 65_507 } });
test('with 68-byte datagrams (the smallest: START must fit)', delivers, {
  size: 5_000,
  options: { packetSize: MIN_PACKET_SIZE },
});
test('with an ACK for every packet', delivers, {
  size: 500_000,
  options: { ack: { packets: 1, delayMs: 1 } },
});

test('a slow disk slows the sender through the advertised window; nothing received is dropped', async (t) => {
  // 64 KB writes of 20 ms each (3.2 MB/s) behind a 1 Gbit/s lan: the disk is the bottleneck.
  const writeChunkBytes = 64 * 1024;
  const c: TransferCase = {
    size: 2_000_000,
    forward: 'lan',
    diskWriteMs: 20,
    options: { window: 64 },
    receiverOptions: { writeChunkBytes },
  };
  logReplay(t, c);
  const world = await startTransfer(c);
  let closedWindows = 0;
  let mostUnwritten = 0;
  const send = world.receiverSocket.send.bind(world.receiverSocket);
  world.receiverSocket.send = (msg, port, address, callback) => {
    const packet = decodePacket(Buffer.from(msg));
    if (packet.kind === 'ack' && packet.window === 0) closedWindows++;
    mostUnwritten = Math.max(mostUnwritten, world.receiver.unwrittenBytes);
    send(msg, port, address, callback);
  };
  // The sender, held back by the closed window, reads the file only as far as its core asks.
  let mostReadAhead = 0;
  const sendData = world.senderSocket.send.bind(world.senderSocket);
  world.senderSocket.send = (msg, port, address, callback) => {
    mostReadAhead = Math.max(mostReadAhead, world.sender.readAheadBytes);
    sendData(msg, port, address, callback);
  };
  await world.sim.run();
  assertDelivered(t, world);
  assertDownloads(t, world, ['file.bin']);
  t.true(mostReadAhead > 0 && mostReadAhead <= 2 * 256 * 1024, `${mostReadAhead} bytes read ahead`);
  const { receiver, sender } = world.outcomes;
  const stats = receiver?.ok ? receiver.value.stats : undefined;
  t.true(closedWindows > 0, 'the receiver advertised a closed window');
  t.is(stats?.outOfOrder, 0);
  // Nothing was dropped: the only packets sent again were probes of the closed window, one per
  // timeout (the disk is slower than the RTO), never a window going back.
  const sent = sender?.ok ? sender.value : undefined;
  t.true(sent !== undefined && sent.retransmits <= sent.timeouts, `${sent?.retransmits} resent`);
  // The soft bound: two write chunks, plus at most one window that was already on its way.
  t.true(mostUnwritten <= 2 * writeChunkBytes + 64 * 2048, `${mostUnwritten} bytes unwritten`);
  const diskSeconds = ((c.size / writeChunkBytes) * 20) / 1000;
  t.true((stats?.seconds ?? 0) >= diskSeconds * 0.9, 'the transfer went at the pace of the disk');
});

const lossy = (loss: number): PathConfig => ({ profile: 'lan', loss });
const robust = { maxRetries: 30 };

const recovers = test.macro({
  async exec(t, c: TransferCase, expectRetransmits: boolean) {
    logReplay(t, c);
    const world = await runTransfer(c);
    assertDelivered(t, world, c.name);
    assertDownloads(t, world, [c.name ?? 'file.bin']);
    const sender = world.sender.stats;
    if (expectRetransmits) {
      t.true(sender.retransmits > 0, 'lost packets were sent again');
      t.true(sender.timeouts + sender.fastRetransmits > 0, 'losses were detected');
    } else {
      t.is(sender.retransmits, 0);
    }
  },
  title: (name = '') => `recovers from ${name}`,
});

test('0 % loss', recovers, { size: 400_000, forward: lossy(0) }, false);
test('1 % loss', recovers, { size: 400_000, forward: lossy(0.01), seed: 11 }, true);
test(
  '10 % loss',
  recovers,
  { size: 400_000, forward: lossy(0.1), seed: 12, options: robust },
  true,
);
test(
  '30 % loss both ways',
  recovers,
  { size: 200_000, forward: lossy(0.3), seed: 13, options: robust },
  true,
);
test(
  '30 % loss with N = 1',
  recovers,
  { size: 50_000, forward: lossy(0.3), seed: 14, options: { ...robust, window: 1 } },
  true,
);
test(
  'Gilbert-Elliott burst loss',
  recovers,
  {
    size: 400_000,
    seed: 15,
    forward: {
      profile: 'lan',
      burstLoss: { pGoodToBad: 0.02, pBadToGood: 0.2, lossGood: 0, lossBad: 0.8 },
    },
    options: robust,
  },
  true,
);
test(
  'a fixed 20 ms timeout at 10 % loss',
  recovers,
  {
    size: 200_000,
    seed: 16,
    forward: lossy(0.1),
    options: { ...robust, rto: { mode: 'fixed', ms: 20 } },
  },
  true,
);
test(
  'the lossy profile (bursts, duplicates, corruption, reordering)',
  recovers,
  {
    size: 300_000,
    seed: 17,
    forward: 'lossy',
    options: robust,
  },
  true,
);

const impaired = test.macro({
  async exec(t, c: TransferCase, counter: 'duplicates' | 'outOfOrder' | 'ignored') {
    logReplay(t, c);
    const world = await runTransfer(c);
    const received = assertDelivered(t, world, c.name);
    assertDownloads(t, world, [c.name ?? 'file.bin']);
    t.true(received.stats[counter] > 0, `the receiver counted ${counter}`);
  },
  title: (name = '') => `survives ${name}`,
});

test(
  'reordering',
  impaired,
  { size: 400_000, seed: 21, forward: { profile: 'lan', reorder: 0.05, reorderDelayMs: 0.5 } },
  'outOfOrder',
);
test(
  'duplication',
  impaired,
  { size: 400_000, seed: 22, forward: { profile: 'lan', duplicate: 0.1 } },
  'duplicates',
);
test(
  'corruption',
  impaired,
  { size: 400_000, seed: 23, forward: { profile: 'lan', corrupt: 0.05 }, options: robust },
  'ignored',
);

test('a name already taken becomes "name (1).ext" and the original is untouched', async (t) => {
  const c: TransferCase = {
    size: 10_000,
    name: 'report.pdf',
    existing: { 'report.pdf': 'mine', 'report (2).pdf': 'x' },
  };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(
    world.outcomes.receiver?.ok && world.outcomes.receiver.value.path,
    '/downloads/report (1).pdf',
  );
  t.true(world.requester.files.read('/downloads/report (1).pdf').equals(world.data));
  t.is(world.requester.files.read('/downloads/report.pdf').toString(), 'mine');
  assertDownloads(t, world, ['report.pdf', 'report (1).pdf', 'report (2).pdf']);
});

test('the same seed gives the same trace and the same statistics', async (t) => {
  const c: TransferCase = { size: 200_000, seed: 99, forward: 'lossy', options: robust };
  logReplay(t, c);
  const first = await runTransfer(c);
  const second = await runTransfer(c);
  t.is(first.sim.traceHash(), second.sim.traceHash());
  t.deepEqual(first.sender.stats, second.sender.stats);
  t.deepEqual(first.receiver.stats, second.receiver.stats);
});

test('stats report the round trip, the packets and the throughput', async (t) => {
  const c: TransferCase = { size: 1_000_000, forward: 'lan' };
  const world = await runTransfer(c);
  const sender = world.sender.stats;
  const receiver = world.receiver.stats;
  const packets = Math.ceil(c.size / PAYLOAD) + 2;
  t.is(sender.packetsSent, packets);
  t.is(receiver.packetsReceived, packets);
  // The final ACK goes out 1 + FINAL_ACK_REPEATS times; the repeats reach a sender already done.
  t.is(sender.packetsReceived + FINAL_ACK_REPEATS, receiver.packetsSent);
  t.true(receiver.packetsSent < packets / 2, 'ACKs are batched');
  // lan: 0.1 ms each way plus serialization and the delayed ACK.
  t.true(sender.srttMs > 0.2 && sender.srttMs < 2, `srtt ${sender.srttMs} ms`);
  t.true(sender.rtoMs >= 10);
  t.true(receiver.seconds > 0);
  t.is(receiver.throughputBps, receiver.bytes / receiver.seconds);
  t.true(Object.isFrozen(sender));
});

test("the receiver paces its ACKs by the sender's window announced in START", async (t) => {
  // The receiver was told N = 1024 (an ACK every 4 packets); the sender really runs N = 1.
  const c: TransferCase = {
    size: 100_000,
    senderOptions: { window: 1 },
    receiverOptions: { window: 1024 },
  };
  logReplay(t, c);
  const world = await runTransfer(c);
  assertDelivered(t, world);
  const packets = Math.ceil(c.size / PAYLOAD) + 2;
  t.is(
    world.receiver.stats.packetsSent,
    packets + FINAL_ACK_REPEATS,
    'one ACK per packet (the final one repeated), none waiting on the timer',
  );
  // 51 round trips of about 0.2 ms on lan; waiting for the 1 ms ACK timer would take over 50 ms.
  t.true(world.receiver.stats.seconds < 0.03, `took ${world.receiver.stats.seconds} s`);
});

test('a missing downloads folder fails both sides with IO_ERROR and leaves nothing', async (t) => {
  const c: TransferCase = { size: 10_000, receiverOptions: {}, downloads: '/nowhere' };
  logReplay(t, c);
  const world = await runTransfer(c);
  t.is(failureCode(world.outcomes.receiver), 'IO_ERROR');
  t.is(failureCode(world.outcomes.sender), 'IO_ERROR', 'told by ABORT');
  t.false(world.requester.files.exists('/nowhere'));
});

test("the receiver's caller hears at once; the socket lingers behind to re-acknowledge FIN", async (t) => {
  const c: TransferCase = { size: 100_000, forward: 'lan', receiverOptions: { lingerMs: 3_000 } };
  logReplay(t, c);
  const world = await startTransfer(c);
  let closedAt = Number.NaN;
  world.receiverSocket.on('close', () => {
    closedAt = world.sim.now;
  });
  await world.sim.run();
  assertDelivered(t, world);
  const settled = world.settledAt.receiver ?? Number.NaN;
  t.true(settled < 100, `done settled at ${settled} ms`);
  t.true(closedAt - settled >= 3_000, `the socket closed ${closedAt - settled} ms later`);
});
