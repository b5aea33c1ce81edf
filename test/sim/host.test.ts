import test from 'ava';
import type { SystemError } from '../../impl/platform/types.ts';
import { Simulator } from '../../sim/index.ts';
import { BLAST_PORT, blast, datagramPair } from './datagram-pair.ts';

test('timers fire at their virtual deadlines; fractional delays are kept exactly', async (t) => {
  const sim = new Simulator({ seed: 2 });
  const clock = sim.addHost('h').platform.clock;
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 2.5);
  const cancelled = clock.setTimeout(() => fired.push(-1), 1);
  clock.setTimeout(() => fired.push(clock.now()), 0);
  clock.clearTimeout(cancelled);
  clock.clearTimeout(undefined);
  await sim.run();
  t.deepEqual(fired, [0, 2.5]);
});

test("a host's random stream does not depend on other hosts; paths have their own streams", (t) => {
  const draw = (withExtra: boolean) => {
    const sim = new Simulator({ seed: 'fork' });
    if (withExtra) sim.addHost('extra');
    const host = sim.addHost('h');
    return [
      host.platform.random.next(),
      host.platform.random.int(1, 6),
      ...host.platform.random.bytes(5),
    ];
  };
  t.deepEqual(draw(false), draw(true));
  const other = new Simulator({ seed: 'other' });
  t.notDeepEqual(draw(false), [other.addHost('h').platform.random.next()]);
});

test('processing cost queues arrivals on the host CPU', async (t) => {
  const pair = await datagramPair({ delayMs: 1 }, { seed: 3 });
  pair.b.processingCostMs = 0.5;
  const arrivals = await blast(pair, 4, 100);
  // All four land at 1 ms (no bandwidth limit) and leave the CPU 0.5 ms apart.
  t.deepEqual(
    arrivals.map((arrival) => arrival.time),
    [1.5, 2, 2.5, 3].map((ms) => ms + arrivals[0].time - 1.5),
  );
});

test('a slow host overflows the socket receive buffer: rcvbuf drops', async (t) => {
  const pair = await datagramPair({ delayMs: 1 }, { seed: 3 });
  pair.b.processingCostMs = 1;
  pair.receiver.setRecvBufferSize(10 * 128);
  const arrivals = await blast(pair, 50, 100);
  t.is(arrivals.length, 10);
  t.is(pair.sim.trace.counters.drops.rcvbuf, 40);
});

test('datagrams to a port nobody bound are dropped as no-socket; unknown hosts are EHOSTUNREACH', async (t) => {
  const pair = await datagramPair('lan', { seed: 3 });
  const codes: (string | null)[] = [];
  pair.sender.send(Buffer.from('x'), 9999, pair.b.address);
  pair.sender.send(Buffer.from('x'), BLAST_PORT, '10.9.9.9', (error: SystemError | null) =>
    codes.push(error?.code ?? null),
  );
  await pair.sim.run();
  t.is(pair.sim.trace.counters.drops['no-socket'], 1);
  t.deepEqual(codes, ['EHOSTUNREACH']);
});

test('loopback: a host reaches itself on 127.0.0.1 and on its own address', async (t) => {
  const sim = new Simulator({ seed: 4 });
  const host = sim.addHost('h');
  const server = host.platform.net.createServer();
  const remotes: string[] = [];
  server.on('connection', (socket) => remotes.push(socket.remoteAddress));
  await sim.until(server.listen(8000));
  const viaLoopback = await sim.until(host.platform.net.connect(8000, '127.0.0.1'));
  const viaAddress = await sim.until(host.platform.net.connect(8000, host.address));
  t.is(viaLoopback.localAddress, '127.0.0.1');
  t.is(viaAddress.localAddress, host.address);
  t.deepEqual(remotes, ['127.0.0.1', host.address]);
  t.is(sim.path(host, host).config.bandwidthBps, 40e9);
});

test('ephemeral ports are deterministic and skip ports in use', async (t) => {
  const sim = new Simulator({ seed: 4 });
  const host = sim.addHost('h');
  const first = host.platform.dgram.createSocket();
  const taken = host.platform.dgram.createSocket();
  await sim.until(taken.bind(49153));
  const second = host.platform.dgram.createSocket();
  const [a, b] = await sim.until(Promise.all([first.bind(), second.bind(0)]));
  t.deepEqual([a.port, b.port], [49152, 49154]);
  const again = host.platform.dgram.createSocket();
  t.is(await sim.until(again.bind(49152)).catch((error) => error.code), 'EADDRINUSE');
});

test('datagrams waiting for the CPU of a host that crashes die with it, even after a restart', async (t) => {
  const pair = await datagramPair({ delayMs: 1 }, { seed: 3 });
  pair.b.processingCostMs = 5;
  pair.sender.send(Buffer.from('before the crash'), BLAST_PORT, pair.b.address);
  await pair.sim.runUntil(2); // arrived at 1 ms, leaves the CPU at 6 ms
  pair.b.crash();
  pair.b.restart();
  const reborn = pair.b.platform.dgram.createSocket();
  await pair.sim.until(reborn.bind(BLAST_PORT));
  const received: string[] = [];
  reborn.on('message', (msg) => received.push(String(msg)));
  await pair.sim.run();
  t.deepEqual(received, []);
  t.is(pair.sim.trace.counters.delivered, 0);
});
