/**
 * The relay between two peers behind symmetric NATs (which hole punching cannot join): a whole
 * Go-Back-N transfer through it, byte-identical; and the relay's refusals, caps and quotas.
 */
import test from 'ava';
import { TransferReceiver, TransferSender } from '../../impl/arq/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { encodeRelayFrame, RelayKind, RelayServer } from '../../impl/nat/relay.ts';
import { RelaySocket } from '../../impl/nat/relay-socket.ts';
import { Simulator } from '../../sim/index.ts';

const RELAY_PORT = 7000;
const TOKEN = Buffer.from('a1b2c3d4e5f60718', 'hex');

async function relayWorld(seed: number, limits = {}) {
  const sim = new Simulator({ seed });
  const server = sim.addHost('server');
  const hosts = ['alice', 'bob'].map((name) =>
    sim.addHost(name, { behind: sim.addNat(`nat-${name}`, { type: 'symmetric' }) }),
  );
  const serverSocket = server.platform.dgram.createSocket();
  await sim.until(serverSocket.bind(RELAY_PORT));
  const relay = new RelayServer(serverSocket, server.platform.clock, limits);
  serverSocket.on('message', (msg, rinfo) => relay.handle(msg, rinfo));
  const inner = hosts.map((host) => host.platform.dgram.createSocket());
  await sim.until(Promise.all(inner.map((socket) => socket.bind(41000))));
  const relayAt = { address: server.address, port: RELAY_PORT };
  return { sim, server, hosts, relay, inner, relayAt };
}

test('a whole transfer crosses the relay between two symmetric NATs, byte-identical', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(1);
  const [owner, requester] = hosts;
  relay.grant(77, TOKEN, 'bob', 'alice');
  const sockets = [
    new RelaySocket(inner[0], { server: relayAt, transferId: 77, token: TOKEN, side: 1 }),
    new RelaySocket(inner[1], { server: relayAt, transferId: 77, token: TOKEN, side: 0 }),
  ];
  await sim.until(Promise.all(sockets.map((s, i) => s.bindRelay(hosts[i].platform.clock))));
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  owner.files.write('/share/file.bin', data);
  requester.files.mkdir('/downloads');
  const file = await sim.until(owner.platform.fs.openRead('/share/file.bin'));
  const receiver = new TransferReceiver({
    platform: requester.platform,
    socket: sockets[1],
    peerAddress: relayAt.address,
    transferId: 77,
    dir: '/downloads',
    name: 'file.bin',
    options: { window: 16, lingerMs: 100 },
  });
  const sender = new TransferSender({
    platform: owner.platform,
    socket: sockets[0],
    peer: relayAt,
    transferId: 77,
    file,
    options: { window: 16 },
  });
  const [{ path }] = await sim.until(Promise.all([receiver.done, sender.done]));
  t.true(requester.files.read(path).equals(data));
  t.true(relay.stats.bytesRelayed > data.length, 'every byte went through the relay');
  t.is(relay.stats.active, 1);
});

test('a bind without a grant, or with the wrong token, is refused: RELAY_REFUSED', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(2);
  relay.grant(5, TOKEN, 'bob', 'alice');
  const wrong = new RelaySocket(inner[0], {
    server: relayAt,
    transferId: 5,
    token: Buffer.alloc(8, 9),
    side: 1,
  });
  const error = await t.throwsAsync(sim.until(wrong.bindRelay(hosts[0].platform.clock)));
  t.true(isWhohasError(error, 'RELAY_REFUSED'));
  t.is(relay.stats.refused, 1);
});

test('data from a third address is not forwarded, even with the right token', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(3);
  relay.grant(6, TOKEN, 'bob', 'alice');
  const a = new RelaySocket(inner[0], { server: relayAt, transferId: 6, token: TOKEN, side: 1 });
  await sim.until(a.bindRelay(hosts[0].platform.clock));
  // Bob never binds; a copy of Alice's frame from Bob's socket claims Alice's side.
  inner[1].send(
    encodeRelayFrame(
      { kind: RelayKind.DATA, transferId: 6, token: TOKEN, side: 1 },
      Buffer.from('x'),
    ),
    relayAt.port,
    relayAt.address,
  );
  await sim.runUntil(sim.now + 100);
  t.is(relay.stats.refused, 1);
  t.is(relay.stats.datagramsRelayed, 0);
});

test('a stranger who learnt the token cannot inject into a live relay: only the bound address speaks for a side', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(5);
  relay.grant(9, TOKEN, 'bob', 'alice');
  const sockets = [
    new RelaySocket(inner[0], { server: relayAt, transferId: 9, token: TOKEN, side: 1 }),
    new RelaySocket(inner[1], { server: relayAt, transferId: 9, token: TOKEN, side: 0 }),
  ];
  await sim.until(Promise.all(sockets.map((s, i) => s.bindRelay(hosts[i].platform.clock))));
  const heard: string[] = [];
  sockets[1].on('message', (msg) => heard.push(msg.toString()));
  // Mallory sniffed the token (the chat line) and sends as Alice's side from her own host.
  const mallory = sim.addHost('mallory');
  const forger = mallory.platform.dgram.createSocket();
  await sim.until(forger.bind(0));
  const frame = { kind: RelayKind.DATA, transferId: 9, token: TOKEN, side: 1 as const };
  forger.send(encodeRelayFrame(frame, Buffer.from('evil')), relayAt.port, relayAt.address);
  sockets[0].send(Buffer.from('real'), 0, '');
  await sim.runUntil(sim.now + 100);
  t.deepEqual(heard, ['real'], 'only Alice, from her bound address, reached Bob');
  t.is(relay.stats.refused, 1);
});

test('over the per-user quota the relay refuses the grant: REFUSED to both ends, counted once, nothing more forwarded', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(4, { userQuotaBytes: 1000 });
  relay.grant(8, TOKEN, 'bob', 'alice');
  const sockets = [
    new RelaySocket(inner[0], { server: relayAt, transferId: 8, token: TOKEN, side: 1 }),
    new RelaySocket(inner[1], { server: relayAt, transferId: 8, token: TOKEN, side: 0 }),
  ];
  await sim.until(Promise.all(sockets.map((s, i) => s.bindRelay(hosts[i].platform.clock))));
  const refusals: string[][] = [[], []];
  sockets.forEach((s, i) => {
    s.onRefused((error) => refusals[i].push(`${error.code} ${error.message}`));
  });
  let delivered = 0;
  sockets[1].on('message', () => delivered++);
  for (let i = 0; i < 5; i++) sockets[0].send(Buffer.alloc(400), 0, '');
  await sim.runUntil(sim.now + 100);
  t.is(delivered, 2, '2 × 400 bytes fit in a 1000-byte quota');
  t.is(relay.stats.overQuota, 1, 'the third frame used the quota up; the grant is refused once');
  t.is(relay.stats.overLimit, 0, 'a quota is not the bandwidth cap');
  t.is(relay.stats.active, 0);
  t.deepEqual(refusals, [
    ['RELAY_REFUSED relay quota used up'],
    ['RELAY_REFUSED relay quota used up'],
  ]);
});

test('over the bandwidth cap frames are dropped, not refused: ARQ backs off and the grant lives', async (t) => {
  const { sim, hosts, relay, inner, relayAt } = await relayWorld(6, { bandwidthBps: 1000 });
  relay.grant(10, TOKEN, 'bob', 'alice');
  const sockets = [
    new RelaySocket(inner[0], { server: relayAt, transferId: 10, token: TOKEN, side: 1 }),
    new RelaySocket(inner[1], { server: relayAt, transferId: 10, token: TOKEN, side: 0 }),
  ];
  await sim.until(Promise.all(sockets.map((s, i) => s.bindRelay(hosts[i].platform.clock))));
  let refused = 0;
  for (const s of sockets) s.onRefused(() => refused++);
  let delivered = 0;
  sockets[1].on('message', () => delivered++);
  for (let i = 0; i < 5; i++) sockets[0].send(Buffer.alloc(400), 0, '');
  await sim.runUntil(sim.now + 100);
  t.is(delivered, 2, "2 × 400 bytes fit in one second's 1000-byte budget");
  t.is(relay.stats.overLimit, 3);
  t.is(relay.stats.overQuota, 0);
  t.is(refused, 0);
  t.is(relay.stats.active, 1);
});
