import test from 'ava';
import type { DatagramSocket, SystemError } from '../../impl/platform/types.ts';
import { type NatOptions, type SimHost, Simulator } from '../../sim/index.ts';

/** NAT boxes: which inbound datagrams each type admits, timeouts, ports, hairpins, reboots. */

interface Box {
  sim: Simulator;
  nat: ReturnType<Simulator['addNat']>;
  alice: SimHost;
  /** alice's socket (port 5000), and what it received: "address:port text". */
  inbox: string[];
  socket: DatagramSocket;
  open: (host: SimHost, port: number) => Promise<DatagramSocket>;
}

async function box(options: NatOptions): Promise<Box> {
  const sim = new Simulator({ seed: 6 });
  const nat = sim.addNat('nat', options);
  const alice = sim.addHost('alice', { behind: nat });
  const open = async (host: SimHost, port: number) => {
    const socket = host.platform.dgram.createSocket();
    await sim.until(socket.bind(port));
    return socket;
  };
  const socket = await open(alice, 5000);
  const inbox: string[] = [];
  socket.on('message', (message, from) => inbox.push(`${from.address}:${from.port} ${message}`));
  return { sim, nat, alice, inbox, socket, open };
}

interface Admission {
  type: NatOptions['type'];
  /** The remote alice sent to, that remote from another port, another address (same port). */
  admitted: [boolean, boolean, boolean];
  /** Whether alice's datagrams to a second remote leave from the same public port. */
  samePublicPort: boolean;
}

const admits = test.macro({
  async exec(t, { type, admitted, samePublicPort }: Admission) {
    const { sim, nat, inbox, socket, open } = await box({ type });
    const bob = sim.addHost('bob');
    const carol = sim.addHost('carol');
    const bob6000 = await open(bob, 6000);
    const bob6001 = await open(bob, 6001);
    const carol6000 = await open(carol, 6000);
    let seenAt = '';
    bob6000.on('message', (_, from) => {
      seenAt = `${from.address}:${from.port}`;
    });
    socket.send(Buffer.from('hi'), 6000, bob.address);
    await sim.run();
    const [mapping] = nat.mappings();
    t.is(seenAt, `${nat.publicAddress}:${mapping.publicPort}`, 'bob sees the public endpoint');
    t.deepEqual(mapping, {
      proto: 'udp',
      inner: `${sim.host('alice').address}:5000`,
      publicPort: 5000,
    });
    const probes: [DatagramSocket, string][] = [
      [bob6000, 'same'],
      [bob6001, 'other-port'],
      [carol6000, 'other-address'],
    ];
    for (const [probe, text] of probes)
      probe.send(Buffer.from(text), mapping.publicPort, nat.publicAddress);
    await sim.run();
    const got = probes.map(([, text]) => inbox.some((line) => line.endsWith(` ${text}`)));
    t.deepEqual(got, admitted);
    const refused = admitted.filter((ok) => !ok).length;
    t.is(nat.stats.filteredInbound, refused);
    t.is(sim.trace.counters.drops['nat-filtered'], refused);
    socket.send(Buffer.from('again'), 6000, carol.address);
    await sim.run();
    const ports = new Set(nat.mappings().map((m) => m.publicPort));
    t.is(ports.size === 1, samePublicPort);
  },
  title: (_, admission: Admission) => `a ${admission.type} NAT admits exactly what RFC 4787 says`,
});

test(admits, { type: 'full-cone', admitted: [true, true, true], samePublicPort: true });
test(admits, { type: 'address-restricted', admitted: [true, true, false], samePublicPort: true });
test(admits, { type: 'port-restricted', admitted: [true, false, false], samePublicPort: true });
test(admits, { type: 'symmetric', admitted: [true, false, false], samePublicPort: false });

test('a mapping expires mappingTimeoutMs after its last outbound datagram', async (t) => {
  const { sim, nat, inbox, socket, open } = await box({
    type: 'full-cone',
    mappingTimeoutMs: 1000,
  });
  const bob = sim.addHost('bob');
  const reply = await open(bob, 6000);
  const start = sim.now;
  const at = (ms: number, fn: () => void) => sim.at(start + ms, fn);
  at(0, () => socket.send(Buffer.from('out'), 6000, bob.address));
  at(900, () => socket.send(Buffer.from('refresh'), 6000, bob.address));
  at(1800, () => reply.send(Buffer.from('in-time'), 5000, nat.publicAddress));
  at(3000, () => reply.send(Buffer.from('too-late'), 5000, nat.publicAddress));
  await sim.run();
  t.deepEqual(
    inbox.map((line) => line.split(' ')[1]),
    ['in-time'],
  );
  t.like(nat.stats, { mappingsCreated: 1, mappingsExpired: 1, filteredInbound: 1 });
  t.deepEqual(nat.mappings(), []);
});

const preserves = test.macro({
  async exec(t, portPreservation: boolean) {
    const { sim, nat, socket, open } = await box({ type: 'full-cone', portPreservation });
    const dave = sim.addHost('dave', { behind: nat });
    const daveSocket = await open(dave, 5000);
    const bob = sim.addHost('bob');
    await open(bob, 6000);
    socket.send(Buffer.from('a'), 6000, bob.address);
    daveSocket.send(Buffer.from('d'), 6000, bob.address);
    await sim.run();
    const ports = nat.mappings().map((m) => m.publicPort);
    // Both inside hosts use port 5000: only the first can keep it, and only with preservation.
    t.deepEqual(ports, portPreservation ? [5000, 1024] : [1024, 1025]);
    t.true(dave.address.startsWith('192.168.1.'));
  },
  title: (_, on) =>
    `port preservation ${on ? 'on keeps a free inner port' : 'off numbers ports from 1024'}`,
});
test(preserves, true);
test(preserves, false);

const hairpins = test.macro({
  async exec(t, hairpinning: boolean) {
    const { sim, nat, alice, inbox, socket, open } = await box({ type: 'full-cone', hairpinning });
    const carol = sim.addHost('carol', { behind: nat });
    const carolSocket = await open(carol, 7000);
    const bob = sim.addHost('bob');
    await open(bob, 6000);
    // Both learn their public endpoints by talking to bob first.
    socket.send(Buffer.from('a'), 6000, bob.address);
    carolSocket.send(Buffer.from('c'), 6000, bob.address);
    await sim.run();
    carolSocket.send(Buffer.from('hairpin'), 5000, nat.publicAddress);
    await sim.run();
    t.deepEqual(inbox, hairpinning ? [`${nat.publicAddress}:7000 hairpin`] : []);
    t.is(nat.stats.hairpinned, hairpinning ? 1 : 0);
    t.is(sim.trace.counters.drops['nat-filtered'], hairpinning ? 0 : 1);
    t.not(alice.address, carol.address);
  },
  title: (_, on) =>
    `hairpinning ${on ? 'on: inside hosts reach each other at public endpoints' : 'off: the hairpin is dropped'}`,
});
test(hairpins, true);
test(hairpins, false);

test('a NAT reboot loses every mapping: replies are filtered until alice sends again', async (t) => {
  const { sim, nat, inbox, socket, open } = await box({ type: 'full-cone' });
  const bob = sim.addHost('bob');
  const reply = await open(bob, 6000);
  socket.send(Buffer.from('out'), 6000, bob.address);
  await sim.run();
  t.is(nat.mappings().length, 1);
  nat.restart();
  t.deepEqual(nat.mappings(), []);
  reply.send(Buffer.from('lost'), 5000, nat.publicAddress);
  await sim.run();
  socket.send(Buffer.from('out'), 6000, bob.address);
  await sim.run();
  reply.send(Buffer.from('back'), 5000, nat.publicAddress);
  await sim.run();
  t.deepEqual(
    inbox.map((line) => line.split(' ')[1]),
    ['back'],
  );
  t.like(nat.stats, { mappingsCreated: 2, filteredInbound: 1 });
});

test('TCP: connections from inside out work; unsolicited ones from outside time out', async (t) => {
  const { sim, nat, alice } = await box({ type: 'port-restricted' });
  const bob = sim.addHost('bob');
  const server = bob.platform.net.createServer();
  let got = '';
  let from = '';
  server.on('connection', (peer) => {
    from = `${peer.remoteAddress}`;
    peer.on('data', (chunk) => {
      got += chunk;
      peer.write('pong');
    });
  });
  await sim.until(server.listen(8000));
  const client = await sim.until(alice.platform.net.connect(8000, bob.address));
  let answer = '';
  client.on('data', (chunk) => (answer += chunk));
  client.write('ping');
  await sim.runUntil(sim.now + 100);
  t.is(got, 'ping');
  t.is(answer, 'pong');
  t.is(from, nat.publicAddress);
  const inward = alice.platform.net.createServer();
  await sim.until(inward.listen(9000));
  const error = await t.throwsAsync(sim.until(bob.platform.net.connect(9000, nat.publicAddress)));
  t.is((error as SystemError).code, 'ETIMEDOUT');
  t.true(nat.stats.filteredInbound >= 1);
});

test('a private address is unreachable from outside its NAT', async (t) => {
  const { sim, alice, inbox, open } = await box({ type: 'full-cone' });
  const bob = sim.addHost('bob');
  const probe = await open(bob, 6000);
  probe.send(Buffer.from('direct'), 5000, alice.address);
  await sim.run();
  t.deepEqual(inbox, []);
  t.is(sim.trace.counters.drops['no-route'], 1);
});

test('a NAT linked to a router carries its hosts over the links', async (t) => {
  const { sim, nat, inbox, socket, open } = await box({ type: 'full-cone' });
  const core = sim.addRouter('core');
  const bob = sim.addHost('bob');
  sim.link(nat, core, { bandwidth: '10Mbit', delayMs: 10 });
  sim.link(core, bob, { bandwidth: '10Mbit', delayMs: 10 });
  const reply = await open(bob, 6000);
  reply.on('message', (message, from) => reply.send(message, from.port, from.address));
  const start = sim.now;
  socket.send(Buffer.from('echo'), 6000, bob.address);
  await sim.run();
  t.deepEqual(inbox, [`${bob.address}:6000 echo`]);
  t.true(sim.now - start > 40, 'four 10 ms links crossed');
  t.is(sim.linkBetween(core, nat).stats.delivered, 1);
});

test('bad NAT options are refused with clear messages', (t) => {
  const sim = new Simulator();
  t.throws(() => sim.addNat('n1', { type: 'cone' as never }), {
    message: /unknown NAT type 'cone'/,
  });
  t.throws(() => sim.addNat('n2', { mapping: 'random' as never }), {
    message: /unknown NAT behaviour/,
  });
  t.throws(() => sim.addNat('n3', { mappingTimeoutMs: 0 }), { message: /mappingTimeoutMs/ });
});

test('a crashed NAT drops everything until restart(), which comes back with no mappings', async (t) => {
  const { sim, nat, inbox, socket, open } = await box({ type: 'full-cone' });
  const bob = sim.addHost('bob');
  const reply = await open(bob, 6000);
  reply.on('message', (message, from) => reply.send(message, from.port, from.address));
  nat.crash();
  socket.send(Buffer.from('while-down'), 6000, bob.address);
  await sim.run();
  t.is(sim.trace.counters.drops['host-down'], 1);
  nat.restart();
  socket.send(Buffer.from('after'), 6000, bob.address);
  await sim.run();
  t.deepEqual(inbox, [`${bob.address}:6000 after`]);
});

const quietTcp = test.macro({
  async exec(t, tcpMappingTimeoutMs: number | undefined, delivered: string) {
    const { sim, nat, alice } = await box({
      type: 'port-restricted',
      mappingTimeoutMs: 1000,
      ...(tcpMappingTimeoutMs === undefined ? {} : { tcpMappingTimeoutMs }),
    });
    const bob = sim.addHost('bob');
    const server = bob.platform.net.createServer();
    const accepted: Array<{ write(data: string): boolean }> = [];
    server.on('connection', (peer) => accepted.push(peer));
    await sim.until(server.listen(8000));
    const client = await sim.until(alice.platform.net.connect(8000, bob.address));
    let answer = '';
    client.on('data', (chunk) => (answer += chunk));
    // The connection stays quiet past the UDP timeout, then the server speaks first.
    await sim.runUntil(sim.now + 5000);
    accepted[0]?.write('late');
    await sim.runUntil(sim.now + 100);
    t.is(answer, delivered);
    t.is(nat.stats.filteredInbound, delivered === '' ? 1 : 0);
  },
  title: (_, timeout) =>
    timeout === undefined
      ? 'TCP shares the UDP mapping timeout by default: a connection quiet past it loses inbound segments'
      : 'tcpMappingTimeoutMs keeps a quiet TCP connection mapped past the UDP timeout',
});

test(quietTcp, undefined, '');
test(quietTcp, 7_440_000, 'late');
