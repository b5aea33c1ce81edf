import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { BindingResponder, discoverReflexive } from '../../impl/nat/binding.ts';
import { Simulator } from '../../sim/index.ts';

const STUN_PORT = 7000;

async function world(seed: number) {
  const sim = new Simulator({ seed });
  const server = sim.addHost('server');
  const peer = sim.addHost('peer');
  sim.connect(server, peer, 'wan');
  const serverSocket = server.platform.dgram.createSocket();
  const peerSocket = peer.platform.dgram.createSocket();
  await sim.until(Promise.all([serverSocket.bind(STUN_PORT), peerSocket.bind(41000)]));
  return { sim, server, peer, serverSocket, peerSocket };
}

test('a peer learns the address and port the server sees (no NAT: its own)', async (t) => {
  const { sim, server, peer, serverSocket, peerSocket } = await world(1);
  const responder = new BindingResponder(serverSocket);
  const reflexive = await sim.until(
    discoverReflexive(peerSocket, { address: server.address, port: STUN_PORT }, peer.platform),
  );
  t.is(reflexive.address, peer.address);
  t.is(reflexive.port, 41000);
  t.true(reflexive.rttMs >= 40, 'one wan round trip (2 × 20 ms)');
  t.deepEqual(responder.stats, { requests: 1, answered: 1, ignored: 0 });
});

test('lost requests are retried with doubling timeouts until one is answered', async (t) => {
  const { sim, server, peer, serverSocket, peerSocket } = await world(2);
  const responder = new BindingResponder(serverSocket);
  // Requests at 0 and 250 ms are lost; the one at 750 ms gets through.
  sim.partition(server, peer);
  sim.at(600, () => sim.heal(server, peer));
  const reflexive = await sim.until(
    discoverReflexive(peerSocket, { address: server.address, port: STUN_PORT }, peer.platform),
  );
  t.is(reflexive.port, 41000);
  t.is(sim.path(peer, server).stats.partitionDropped, 2, 'the premise: two requests were lost');
  t.is(responder.stats.requests, 1);
  t.true(reflexive.rttMs >= 750);
});

test('no answer at all ends in STUN_TIMEOUT after 4 requests (3.75 s), not never', async (t) => {
  const { sim, server, peer, peerSocket } = await world(3);
  const started = peer.platform.clock.now();
  const error = await t.throwsAsync(
    sim.until(
      discoverReflexive(peerSocket, { address: server.address, port: STUN_PORT }, peer.platform),
    ),
  );
  t.true(isWhohasError(error, 'STUN_TIMEOUT'));
  t.is(peer.platform.clock.now() - started, 3750);
  t.is(sim.path(peer, server).stats.sent, 4);
});

test('an answer with another transaction id, or from another address, is not taken', async (t) => {
  const { sim, server, peer, serverSocket, peerSocket } = await world(4);
  // A forger answers every request at once with its own (wrong) transaction id.
  serverSocket.on('message', (_msg, rinfo) => {
    const forged = Buffer.from(
      '0101000c2112a442' + '00'.repeat(12) + '002000080001a147e112a643',
      'hex',
    );
    serverSocket.send(forged, rinfo.port, rinfo.address);
  });
  const error = await t.throwsAsync(
    sim.until(
      discoverReflexive(peerSocket, { address: server.address, port: STUN_PORT }, peer.platform, {
        attempts: 2,
      }),
    ),
  );
  t.true(isWhohasError(error, 'STUN_TIMEOUT'), 'the forged mapping (192.0.2.1) was never believed');
});
