/**
 * The datagram impairment wrapper: its decision sequence directly, then its effect on real
 * loopback UDP. Real-socket checks never wait for time: a positive control sent afterwards on
 * an unimpaired socket marks the point by which anything sent earlier has arrived (loopback
 * delivers in the order of the send calls).
 */
import test from 'ava';
import {
  createImpairmentDecider,
  type ImpairmentOptions,
  impairDatagrams,
} from '../../harness/impaired.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { DatagramSocket, Platform } from '../../impl/platform/types.ts';
import { patternBytes } from '../helpers/platforms.ts';

const HOST = '127.0.0.1';
const MARKER = Buffer.from('marker');

function fates(options: ImpairmentOptions, count: number, size = 100) {
  const decider = createImpairmentDecider(options);
  return Array.from({ length: count }, () => decider.decide(size));
}

test('the same seed gives the same decisions; another seed other decisions', (t) => {
  const options = {
    seed: 42,
    loss: 0.2,
    duplicate: 0.1,
    reorder: { probability: 0.1, extraDelayMs: 5 },
    corrupt: 0.05,
  };
  t.deepEqual(fates(options, 2000), fates(options, 2000));
  t.notDeepEqual(fates(options, 2000), fates({ ...options, seed: 43 }, 2000));
});

test('the drop pattern depends on the seed and loss alone, not on other impairments', (t) => {
  const dropped = (options: ImpairmentOptions) =>
    fates(options, 2000).map((fate) => fate.copies.length === 0);
  const plain = dropped({ seed: 'x', loss: 0.3 });
  t.deepEqual(
    dropped({
      seed: 'x',
      loss: 0.3,
      duplicate: 0.5,
      corrupt: 0.5,
      reorder: { probability: 0.5, extraDelayMs: 1 },
    }),
    plain,
  );
  t.true(plain.includes(true) && plain.includes(false));
});

test('each impairment happens at its configured rate', (t) => {
  const n = 20_000;
  const all = fates(
    {
      seed: 7,
      loss: 0.3,
      duplicate: 0.2,
      reorder: { probability: 0.1, extraDelayMs: 3 },
      corrupt: 0.05,
    },
    n,
  );
  const kept = all.filter((fate) => fate.copies.length > 0);
  const copies = kept.flatMap((fate) => fate.copies);
  const near = (measured: number, expected: number) =>
    t.true(Math.abs(measured - expected) < 0.015, `${measured} vs ${expected}`);
  near(1 - kept.length / n, 0.3);
  near(kept.filter((fate) => fate.copies.length === 2).length / kept.length, 0.2);
  near(copies.filter((copy) => copy.delayMs === 3).length / copies.length, 0.1);
  near(copies.filter((copy) => copy.corruptAt >= 0).length / copies.length, 0.05);
  t.true(copies.every((copy) => copy.delayMs === 0 || copy.delayMs === 3));
  t.true(copies.every((copy) => copy.corruptAt < 100));
  t.deepEqual(
    fates({ seed: 1, corrupt: 1 }, 3, 0),
    Array(3).fill({ copies: [{ delayMs: 0, corruptAt: -1 }] }),
  );
});

const rejects = test.macro((t, options: ImpairmentOptions) => {
  const error = t.throws(() => impairDatagrams(createNodePlatform(), options));
  t.true(isWhohasError(error, 'BAD_ARGUMENT'), String(error));
});
test('loss above 1 is refused', rejects, { seed: 1, loss: 1.5 });
test('a negative duplicate rate is refused', rejects, { seed: 1, duplicate: -0.1 });
test('a NaN corruption rate is refused', rejects, { seed: 1, corrupt: Number.NaN });
test('a negative reorder delay is refused', rejects, {
  seed: 1,
  reorder: { probability: 0.5, extraDelayMs: -1 },
});

/** A plain receiving socket and an unimpaired control sender on the real platform. */
async function loopback(t: import('ava').ExecutionContext) {
  const real = createNodePlatform();
  const receiver = real.dgram.createSocket();
  const control = real.dgram.createSocket();
  const { port } = await receiver.bind(0, HOST);
  await control.bind(0, HOST);
  const received: Buffer[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  receiver.on('message', (msg) => {
    received.push(msg);
    for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
  });
  const opened: DatagramSocket[] = [receiver, control];
  t.teardown(async () => {
    for (const socket of opened) await socket.close();
  });
  return {
    port,
    received,
    /** Every message up to and including the control marker, sent after everything else. */
    async untilMarker(): Promise<Buffer[]> {
      const arrived = new Promise<void>((resolve) =>
        receiver.on('message', (msg) => msg.equals(MARKER) && resolve()),
      );
      control.send(MARKER, port, HOST);
      await arrived;
      return received.filter((msg) => !msg.equals(MARKER));
    },
    atLeast: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    async impairedSocket(platform: Platform) {
      const socket = platform.dgram.createSocket();
      opened.unshift(socket);
      await socket.bind(0, HOST);
      return socket;
    },
  };
}

test('real loopback, loss 1.0: nothing arrives, every send still reports success', async (t) => {
  const net = await loopback(t);
  const impaired = impairDatagrams(createNodePlatform(), { seed: 3, loss: 1 });
  const socket = await net.impairedSocket(impaired);
  const outcomes = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => new Promise((resolve) => socket.send(patternBytes(50, i), net.port, HOST, resolve)),
    ),
  );
  t.deepEqual(outcomes, Array(20).fill(null));
  t.deepEqual(await net.untilMarker(), []);
  t.like(impaired.impairment, { offered: 20, dropped: 20, transmitted: 0 });
});

test('real loopback, duplicate 1.0: every datagram arrives exactly twice', async (t) => {
  const net = await loopback(t);
  const impaired = impairDatagrams(createNodePlatform(), { seed: 4, duplicate: 1 });
  const socket = await net.impairedSocket(impaired);
  const sent = Array.from({ length: 10 }, (_, i) => patternBytes(200, i));
  for (const payload of sent) socket.send(payload, net.port, HOST);
  const arrived = (await net.untilMarker()).map((msg) => msg.toString('hex')).sort();
  t.deepEqual(
    arrived,
    sent
      .flatMap((payload) => [payload, payload])
      .map((b) => b.toString('hex'))
      .sort(),
  );
  t.like(impaired.impairment, { offered: 10, dropped: 0, duplicated: 10, transmitted: 20 });
});

test('real loopback, corruption flips exactly the decided byte', async (t) => {
  const net = await loopback(t);
  const options = { seed: 5, corrupt: 0.5 };
  const impaired = impairDatagrams(createNodePlatform(), options);
  const socket = await net.impairedSocket(impaired);
  const sent = Array.from({ length: 30 }, (_, i) => patternBytes(64, i));
  for (const payload of sent) socket.send(payload, net.port, HOST);
  const decider = createImpairmentDecider(options);
  const expected = sent.map((payload) => {
    const at = decider.decide(payload.length).copies[0].corruptAt;
    const copy = Buffer.from(payload);
    if (at >= 0) copy[at] ^= 0xff;
    return copy.toString('hex');
  });
  const arrived = (await net.untilMarker()).map((msg) => msg.toString('hex'));
  t.deepEqual(arrived.sort(), expected.sort());
  t.true(impaired.impairment.corrupted > 0 && impaired.impairment.corrupted < 30);
});

test('real loopback, reordering: held-back datagrams come after the rest, in order', async (t) => {
  const net = await loopback(t);
  const options = { seed: 6, reorder: { probability: 0.4, extraDelayMs: 1 } };
  const impaired = impairDatagrams(createNodePlatform(), options);
  const socket = await net.impairedSocket(impaired);
  const decider = createImpairmentDecider(options);
  const held = Array.from({ length: 20 }, () => decider.decide(1).copies[0].delayMs > 0);
  for (let i = 0; i < 20; i++) socket.send(Buffer.from([i]), net.port, HOST);
  // The held-back copies go out from a timer, after every immediate send has been made.
  await net.atLeast(20);
  const order = net.received.map((msg) => msg[0]);
  const indices = [...held.keys()];
  t.deepEqual(order, [...indices.filter((i) => !held[i]), ...indices.filter((i) => held[i])]);
  t.is(impaired.impairment.delayed, held.filter(Boolean).length);
  t.true(held.includes(true) && held.includes(false));
});

test('closing a socket discards its held-back datagrams, sends nothing late', async (t) => {
  const net = await loopback(t);
  const impaired = impairDatagrams(createNodePlatform(), {
    seed: 8,
    reorder: { probability: 1, extraDelayMs: 60_000 },
  });
  const socket = impaired.dgram.createSocket();
  await socket.bind(0, HOST);
  for (let i = 0; i < 3; i++) socket.send(Buffer.from([i]), net.port, HOST);
  await socket.close();
  t.deepEqual(await net.untilMarker(), []);
  t.like(impaired.impairment, { offered: 3, delayed: 3, transmitted: 0, discardedOnClose: 3 });
});

test('a held-back datagram carries the bytes of its send, though the buffer is reused', async (t) => {
  const net = await loopback(t);
  const impaired = impairDatagrams(createNodePlatform(), {
    seed: 9,
    reorder: { probability: 1, extraDelayMs: 1 },
  });
  const socket = await net.impairedSocket(impaired);
  // A Go-Back-N sender refills its window slots: the held copy must not see the new contents.
  const slot = Buffer.from('first');
  socket.send(slot, net.port, HOST);
  slot.write('again');
  await net.atLeast(1);
  t.deepEqual(net.received.map(String), ['first']);
});
