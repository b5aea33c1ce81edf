import test from 'ava';
import type { DatagramSocket } from '../../impl/platform/types.ts';
import { type SimHost, Simulator } from '../../sim/index.ts';
import { chain, dumbbell, star } from '../../sim/topologies.ts';
import { numbered } from './datagram-pair.ts';

/** Routers and links: routes by hop count, store-and-forward timing, shared queues. */

const PORT = 4000;

async function sockets(sim: Simulator, hosts: SimHost[]): Promise<DatagramSocket[]> {
  const list = hosts.map((host) => host.platform.dgram.createSocket());
  await sim.until(Promise.all(list.map((socket) => socket.bind(PORT))));
  return list;
}

/** Arrival times at `to` of `count` datagrams of `size` sent at once from `from`. */
async function send(sim: Simulator, from: SimHost, to: SimHost, count: number, size: number) {
  const [sender, receiver] = await sockets(sim, [from, to]);
  const times: number[] = [];
  receiver.on('message', () => times.push(sim.now));
  const start = sim.now;
  for (let seq = 0; seq < count; seq++) sender.send(numbered(seq, size), PORT, to.address);
  await sim.run();
  return times.map((time) => time - start);
}

test('a datagram crosses a 3-hop chain store-and-forward: 3 × (serialization + delay)', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const c = chain(sim, { hops: 3, link: { bandwidth: '10Mbit', delayMs: 5 } });
  t.deepEqual(sim.route(c.first, c.last), c.links);
  const [arrival] = await send(sim, c.first, c.last, 1, 1000);
  // 1028 wire bytes take 0.8224 ms at 10 Mbit/s on each of the 3 links.
  t.true(Math.abs(arrival - 3 * (0.8224 + 5)) < 1e-9, `arrived at ${arrival}`);
  for (const link of c.links) t.like(link.stats, { sent: 1, delivered: 1 });
  // Per-link trace events: one 'sent' per link crossed.
  t.is(sim.trace.counters.sent, 3);
});

test('routes take the fewest hops, ties broken by router name, and are the same every time', (t) => {
  const sim = new Simulator();
  const [a, b] = [sim.addHost('a'), sim.addHost('b')];
  const [zeta, alpha, far1, far2] = ['zeta', 'alpha', 'aa-far-1', 'aa-far-2'].map((name) =>
    sim.addRouter(name),
  );
  // a–zeta–b and a–alpha–b tie at 2 hops; a–aa-far-1–aa-far-2–b is longer though named first.
  for (const router of [zeta, alpha]) {
    sim.link(a, router, 'lan');
    sim.link(router, b, 'lan');
  }
  sim.link(a, far1, 'lan');
  sim.link(far1, far2, 'lan');
  sim.link(far2, b, 'lan');
  t.deepEqual(sim.route(a, b), [sim.linkBetween(a, alpha), sim.linkBetween(alpha, b)]);
  t.deepEqual(sim.route(b, a), [sim.linkBetween(b, alpha), sim.linkBetween(alpha, a)]);
  // Hosts never forward: a host between two others is no way through.
  const c = sim.addHost('c');
  sim.link(b, c, 'lan');
  t.deepEqual(sim.route(a, c), []);
});

test('a dumbbell shares one bottleneck queue: two blasts fill it together', async (t) => {
  const sim = new Simulator({ seed: 2 });
  const d = dumbbell(sim, {
    pairs: 2,
    bottleneck: { bandwidth: '10Mbit', delayMs: 10, queue: { kind: 'droptail', packets: 10 } },
    access: { bandwidth: '1Gbit', delayMs: 0.1 },
  });
  const socketsOf = await sockets(sim, [...d.senders, ...d.receivers]);
  let received = 0;
  for (const receiver of socketsOf.slice(2)) receiver.on('message', () => received++);
  for (let i = 0; i < 2; i++) {
    for (let seq = 0; seq < 20; seq++) {
      socketsOf[i].send(numbered(seq, 1000), PORT, d.receivers[i].address);
    }
  }
  await sim.run();
  // One on the wire and 10 waiting get through of 40; the access links drop nothing.
  t.is(received, 11);
  t.like(d.bottleneck.stats, { enqueued: 11, delivered: 11, dropped: 29, peakQueuePackets: 10 });
  t.is(d.bottleneck.stats.drops.queue, 29);
  t.is(d.bottleneckReverse.stats.sent, 0);
  t.is(sim.linkBetween(d.senders[0], d.left).stats.dropped, 0);
});

test('a stream connection crosses routers both ways', async (t) => {
  const sim = new Simulator({ seed: 3 });
  const c = chain(sim, { hops: 3, link: { bandwidth: '100Mbit', delayMs: 1 } });
  const server = c.last.platform.net.createServer();
  let got = 0;
  server.on('connection', (socket) => socket.on('data', (chunk) => (got += chunk.length)));
  await sim.until(server.listen(7000));
  const client = await sim.until(c.first.platform.net.connect(7000, c.last.address));
  client.write(Buffer.alloc(100_000, 7));
  await sim.runUntil(sim.now + 1_000);
  t.is(got, 100_000);
  for (const link of c.links) t.true(link.stats.delivered > 69, 'data segments went forward');
  const back = sim.linkBetween(c.routers[0], c.first).stats;
  t.true(back.delivered > 0, 'SYN+ACK and ACKs came back');
});

test('connect() gives a pair its private path even where links could route it', async (t) => {
  const sim = new Simulator({ seed: 4 });
  const { hosts } = star(sim, { hosts: 3, link: { bandwidth: '10Mbit', delayMs: 5 } });
  t.is(sim.route(hosts[0], hosts[2]).length, 2);
  sim.connect(hosts[0], hosts[2], { delayMs: 1 });
  const [arrival] = await send(sim, hosts[0], hosts[2], 1, 100);
  t.is(arrival, 1);
  t.is(sim.linkBetween(hosts[0], 'switch').stats.sent, 0);
});

test('a host with no link reaches a linked one over the default lan path', async (t) => {
  const sim = new Simulator({ seed: 5 });
  const { hosts } = star(sim, { hosts: 2, link: { bandwidth: '10Mbit', delayMs: 5 } });
  const loner = sim.addHost('loner');
  const [arrival] = await send(sim, loner, hosts[0], 1, 100);
  t.true(arrival < 1, `lan takes about 0.1 ms, took ${arrival}`);
  t.is(sim.path(loner, hosts[0]).stats.delivered, 1);
});

test('the same seed and topology give the same trace hash', async (t) => {
  const run = async () => {
    const sim = new Simulator({ seed: 'topo' });
    const d = dumbbell(sim, {
      pairs: 3,
      bottleneck: { bandwidth: '5Mbit', delayMs: 20, loss: 0.05, queueBytes: 20_000 },
      access: { bandwidth: '100Mbit', delayMs: 1, jitter: { kind: 'uniform', maxMs: 1 } },
    });
    const arrivals = await send(sim, d.senders[1], d.receivers[1], 200, 500);
    return { hash: sim.traceHash(), arrivals };
  };
  t.deepEqual(await run(), await run());
});

test('bad topologies are refused with clear messages', (t) => {
  const sim = new Simulator();
  const r = sim.addRouter('r');
  t.throws(() => sim.addHost('r'), { message: /named 'r' already exists/ });
  t.throws(() => sim.addRouter('r'), { message: /named 'r' already exists/ });
  t.throws(() => sim.link(r, r, 'lan'), { message: /cannot link 'r' to itself/ });
  t.throws(() => sim.link(r, 'nobody', 'lan'), { message: /no host named 'nobody'/ });
  t.throws(() => sim.link(r, sim.addHost('h'), { bandwidth: 'fast' }), {
    message: /bad bandwidth/,
  });
  t.throws(() => sim.linkBetween('h', 'r'), { message: /no link between 'h' and 'r'/ });
  t.throws(() => chain(sim, { hops: 0, link: 'lan' }), { message: /hops must be/ });
});
