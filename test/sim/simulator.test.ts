import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { Simulator } from '../../sim/index.ts';
import { BLAST_PORT, blast, datagramPair, numbered } from './datagram-pair.ts';

/**
 * A busy little world: datagrams both ways over 'lossy' plus a stream transfer over 'wan'.
 * Returns the trace hash and the counters it produced.
 */
async function busyWorld(seed: number, sim = new Simulator({ seed })) {
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  const c = sim.addHost('c');
  sim.connect(a, b, 'lossy');
  sim.connect(a, c, 'wan');
  const left = a.platform.dgram.createSocket();
  const right = b.platform.dgram.createSocket();
  await sim.until(Promise.all([left.bind(BLAST_PORT), right.bind(BLAST_PORT)]));
  right.on('message', (message, rinfo) => right.send(message, rinfo.port, rinfo.address));
  for (let seq = 0; seq < 2000; seq++) {
    sim.at(seq * 0.5, () => left.send(numbered(seq, 512), BLAST_PORT, b.address));
  }
  const server = c.platform.net.createServer();
  let received = 0;
  server.on('connection', (socket) => socket.on('data', (chunk) => (received += chunk.length)));
  await sim.until(server.listen(7000));
  const client = await sim.until(a.platform.net.connect(7000, c.address));
  client.write(Buffer.alloc(300_000, 7));
  client.end();
  await sim.run();
  return { hash: sim.traceHash(), counters: { ...sim.trace.counters }, received, now: sim.now };
}

test('same seed and configuration give the same trace hash; another seed another hash', async (t) => {
  const first = await busyWorld(3);
  const again = await busyWorld(3);
  const other = await busyWorld(4);
  t.is(first.hash, again.hash);
  t.deepEqual(first.counters, again.counters);
  t.is(first.now, again.now);
  t.not(first.hash, other.hash);
  t.is(first.received, 300_000);
  t.true(first.counters.dropped > 0, 'the lossy path dropped something');
});

test('two simulators side by side are independent of each other', async (t) => {
  const alone = await busyWorld(8);
  const [left, right] = await Promise.all([busyWorld(8), busyWorld(8)]);
  t.is(left.hash, alone.hash);
  t.is(right.hash, alone.hash);
});

test('events run in (time, sequence) order and the clock jumps to each', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const seen: string[] = [];
  sim.at(5, () => seen.push(`b@${sim.now}`));
  sim.at(1, () => seen.push(`a@${sim.now}`));
  sim.at(5, () => seen.push(`c@${sim.now}`));
  sim.at(2, () => sim.after(3, () => seen.push(`d@${sim.now}`)));
  t.true(sim.step());
  t.deepEqual(seen, ['a@1']);
  await sim.runUntil(4);
  t.is(sim.now, 4);
  await sim.run();
  t.deepEqual(seen, ['a@1', 'b@5', 'c@5', 'd@5']);
  t.false(sim.step());
});

test('continuations of platform promises run before the clock moves on', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const host = sim.addHost('h');
  const fs = host.platform.fs;
  const times: number[] = [];
  sim.at(10, async () => {
    await fs.mkdir('/d');
    await fs.writeFile('/d/x', Buffer.from('x'));
    times.push(sim.now);
    const stat = await fs.stat('/d/x');
    times.push(stat.size);
  });
  sim.at(11, () => times.push(sim.now));
  await sim.run();
  t.deepEqual(times, [10, 1, 11]);
});

test('a run past maxTimeMs rejects with BUDGET_EXCEEDED naming the seed', async (t) => {
  const sim = new Simulator({ seed: 77, maxTimeMs: 10_000 });
  const clock = sim.addHost('h').platform.clock;
  const tick = () => clock.setTimeout(tick, 1000);
  tick();
  const error = await t.throwsAsync(sim.run());
  t.true(isWhohasError(error, 'BUDGET_EXCEEDED'));
  t.regex(error?.message ?? '', /seed 77/);
  t.true(sim.now <= 10_000);
});

test('a run past maxEvents rejects with BUDGET_EXCEEDED naming the seed', async (t) => {
  const sim = new Simulator({ seed: 'events', maxEvents: 500 });
  const clock = sim.addHost('h').platform.clock;
  const tick = () => clock.setTimeout(tick, 0.001);
  tick();
  const error = await t.throwsAsync(sim.until(new Promise(() => {})));
  t.true(isWhohasError(error, 'BUDGET_EXCEEDED'));
  t.regex(error?.message ?? '', /seed events/);
  t.is(sim.eventCount, 500);
});

test('until() on a promise nothing can settle rejects with DEADLOCK', async (t) => {
  const sim = new Simulator({ seed: 9 });
  const clock = sim.addHost('h').platform.clock;
  clock.setTimeout(() => {}, 50);
  const error = await t.throwsAsync(sim.until(new Promise(() => {})));
  t.true(isWhohasError(error, 'DEADLOCK'));
  t.regex(error?.message ?? '', /seed 9/);
  t.is(sim.now, 50);
});

test('until() returns the value once a timer settles the promise, and rethrows rejections', async (t) => {
  const sim = new Simulator({ seed: 9 });
  const clock = sim.addHost('h').platform.clock;
  const value = await sim.until(new Promise((resolve) => clock.setTimeout(() => resolve(42), 30)));
  t.is(value, 42);
  t.is(sim.now, 30);
  const failing = new Promise((_, reject) => clock.setTimeout(() => reject(new Error('no')), 5));
  await t.throwsAsync(sim.until(failing), { message: 'no' });
  t.is(sim.now, 35);
});

test('automatic addresses count up in order of creation; duplicates are refused', (t) => {
  const sim = new Simulator();
  t.is(sim.addHost('a').address, '10.0.0.1');
  t.is(sim.addHost('b', { address: '10.0.0.9' }).address, '10.0.0.9');
  t.is(sim.addHost('c').address, '10.0.0.2');
  t.is(sim.addHost('e', { address: '10.0.0.3' }).address, '10.0.0.3');
  t.is(sim.addHost('f').address, '10.0.0.4', 'taken addresses are skipped');
  t.throws(() => sim.addHost('a'), { message: /already exists/ });
  t.throws(() => sim.addHost('d', { address: '10.0.0.9' }), { message: /taken/ });
  t.throws(() => sim.connect('a', 'b', 'moon' as 'lan'), { message: /unknown link profile/ });
  t.throws(() => sim.connect('a', 'b', { loss: 2 }), { message: /probability/ });
});

test('impairments off: a lossy, corrupting, duplicating, reordering path delivers all, intact and in order', async (t) => {
  const impaired = {
    loss: 0.3,
    corrupt: 0.2,
    duplicate: 0.2,
    reorder: 0.2,
    reorderDelayMs: 5,
    burstLoss: { pGoodToBad: 0.1, pBadToGood: 0.2 },
    jitter: { kind: 'uniform' as const, maxMs: 3 },
    bandwidthBps: 10e6,
    delayMs: 10,
  };
  // The premise: with impairments on, the same path loses and mangles plenty.
  const on = await blast(await datagramPair(impaired, { seed: 5 }), 1000, 500, 1);
  t.true(on.length < 900 && on.some((arrival) => !arrival.intact));
  const calm = await datagramPair(impaired, { seed: 5, impairments: false });
  calm.sim.partition(calm.a, calm.b);
  const off = await blast(calm, 1000, 500, 1);
  t.deepEqual(
    off.map((arrival) => arrival.seq),
    [...Array(1000).keys()],
  );
  t.true(off.every((arrival) => arrival.intact));
  // Bandwidth and delay still apply: 528 wire bytes at 10 Mbit/s, then 10 ms.
  t.true(Math.abs(off[0].time - 10.4224) < 1e-6, `first at ${off[0].time}`);
  t.like(calm.sim.path(calm.a, calm.b).stats, {
    dropped: 0,
    duplicated: 0,
    corrupted: 0,
    reordered: 0,
  });
});
