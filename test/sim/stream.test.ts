import test from 'ava';
import type { StreamSocket, SystemError } from '../../impl/platform/types.ts';
import {
  CONNECT_TIMEOUT_MS,
  HIGH_WATER_MARK,
  RECEIVE_WINDOW,
  type SimHost,
  Simulator,
} from '../../sim/index.ts';

const SEED = 21;

async function connected(profile: 'lan' | 'wan' = 'wan') {
  const sim = new Simulator({ seed: SEED });
  const client = sim.addHost('client');
  const server = sim.addHost('server');
  sim.connect(client, server, profile);
  const listener = server.platform.net.createServer();
  const accepted: StreamSocket[] = [];
  listener.on('connection', (socket) => accepted.push(socket));
  await sim.until(listener.listen(7000));
  const socket = await sim.until(client.platform.net.connect(7000, server.address));
  await sim.runUntil(sim.now + 1);
  return { sim, client, server, listener, socket, peer: accepted[0] };
}

function collect(socket: StreamSocket): { bytes: number; events: string[] } {
  const seen = { bytes: 0, events: [] as string[] };
  socket.on('data', (chunk) => {
    seen.bytes += chunk.length;
  });
  socket.on('error', (error) => seen.events.push(`error:${(error as SystemError).code}`));
  socket.on('close', (hadError) => seen.events.push(`close:${hadError}`));
  return seen;
}

test('addresses: localAddress is the host address peers can reach; ports match up', async (t) => {
  const { client, server, socket, peer } = await connected();
  t.is(socket.localAddress, client.address);
  t.is(socket.remoteAddress, server.address);
  t.is(socket.remotePort, 7000);
  t.is(peer.remoteAddress, client.address);
  t.is(peer.remotePort, socket.localPort);
  t.is(peer.localAddress, server.address);
});

test(`a crash resets the peer's streams after the path delay (seed ${SEED})`, async (t) => {
  const { sim, server, socket } = await connected('wan');
  const seen = collect(socket);
  const crashAt = sim.now;
  server.crash();
  let resetAt = 0;
  socket.on('error', () => {
    resetAt = sim.now;
  });
  await sim.run();
  t.deepEqual(seen.events, ['error:ECONNRESET', 'close:true']);
  // wan: 20 ms one way, normal jitter sd 2 ms.
  t.true(resetAt - crashAt > 10 && resetAt - crashAt < 30, `reset after ${resetAt - crashAt} ms`);
  t.true(socket.destroyed);
});

test('a crashed host refuses nothing and answers nothing: connect times out; restart serves again', async (t) => {
  const sim = new Simulator({ seed: SEED });
  const client = sim.addHost('client');
  const server: SimHost = sim.addHost('server');
  server.files.write('/share/kept.txt', 'still here');
  server.crash();
  const start = sim.now;
  const error = await t.throwsAsync(sim.until(client.platform.net.connect(7000, server.address)));
  t.is((error as SystemError).code, 'ETIMEDOUT');
  t.is(Math.round(sim.now - start), CONNECT_TIMEOUT_MS);
  server.restart();
  t.is(server.files.read('/share/kept.txt').toString(), 'still here');
  const listener = server.platform.net.createServer();
  await sim.until(listener.listen(7000));
  const socket = await sim.until(client.platform.net.connect(7000, server.address));
  t.is(socket.remotePort, 7000);
});

test('crash cancels the host timers and silences its datagram sockets; ports are free after restart', async (t) => {
  const sim = new Simulator({ seed: SEED });
  const host = sim.addHost('h');
  let fired = 0;
  host.platform.clock.setTimeout(() => fired++, 100);
  const socket = host.platform.dgram.createSocket();
  await sim.until(socket.bind(5000));
  host.crash();
  await sim.run();
  t.is(fired, 0);
  host.restart();
  const again = host.platform.dgram.createSocket();
  t.deepEqual(await sim.until(again.bind(5000)), { address: '0.0.0.0', port: 5000 });
});

test('backpressure: a paused reader backs up the writer; resume brings drain and every byte', async (t) => {
  const { sim, socket, peer } = await connected('lan');
  peer.pause();
  const seen = collect(peer);
  const total = 1_000_000;
  const accepted = socket.write(Buffer.alloc(total, 1));
  t.false(accepted);
  await sim.runUntil(sim.now + 100);
  // At most one receive window is in flight or buffered; the rest waits in the writer.
  t.is(socket.writableLength, total - RECEIVE_WINDOW);
  t.is(seen.bytes, 0);
  t.false(socket.write('more'));
  t.true(socket.writableLength > HIGH_WATER_MARK);
  let drained = false;
  socket.on('drain', () => {
    drained = true;
  });
  peer.resume();
  await sim.runUntil(sim.now + 1000);
  t.true(drained);
  t.is(socket.writableLength, 0);
  t.is(seen.bytes, total + 4);
});

test('a stream across a partition stalls, then resumes on heal with nothing lost', async (t) => {
  const { sim, client, server, socket, peer } = await connected('wan');
  const seen = collect(peer);
  sim.partition(client, server);
  socket.write(Buffer.alloc(50_000, 2));
  await sim.runUntil(sim.now + 5_000);
  t.is(seen.bytes, 0);
  t.true(sim.path(client, server).stats.stalled > 0, 'the held segments are counted');
  sim.heal(client, server);
  await sim.runUntil(sim.now + 1_000);
  t.is(seen.bytes, 50_000);
});

test('write returns true under the high-water mark and false past it', async (t) => {
  const { sim, socket, peer } = await connected('lan');
  peer.pause();
  t.true(socket.write(Buffer.alloc(RECEIVE_WINDOW)));
  t.true(socket.write(Buffer.alloc(HIGH_WATER_MARK - 1)));
  t.false(socket.write(Buffer.alloc(1)));
  await sim.runUntil(sim.now + 10);
  t.is(socket.writableLength, HIGH_WATER_MARK);
});

test('connect across a partition times out; after heal the late SYN is reset, not left half-open', async (t) => {
  const sim = new Simulator({ seed: SEED });
  const client = sim.addHost('client');
  const server = sim.addHost('server');
  const listener = server.platform.net.createServer();
  const accepted: { bytes: number; events: string[] }[] = [];
  listener.on('connection', (socket) => accepted.push(collect(socket)));
  await sim.until(listener.listen(7000));
  sim.partition(client, server);
  const error = await t.throwsAsync(sim.until(client.platform.net.connect(7000, server.address)));
  t.is((error as SystemError).code, 'ETIMEDOUT');
  sim.heal(client, server);
  await sim.run();
  t.is(accepted.length, 1);
  t.deepEqual(accepted[0].events, ['error:ECONNRESET', 'close:true']);
});
