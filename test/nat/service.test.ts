/**
 * The server's UDP side (impl/nat/service.ts): STUN answers on the port, the relay runs unless
 * turned off, and the granter the chat server holds reflects both; a taken port rejects.
 */
import test from 'ava';
import { discoverReflexive } from '../../impl/nat/binding.ts';
import { NatGranter, startNatService } from '../../impl/nat/service.ts';
import { Simulator } from '../../sim/index.ts';

test('STUN answers on the service port; the relay is there unless turned off', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const server = sim.addHost('server');
  const client = sim.addHost('client');
  const at = { address: server.address, port: 3478 };
  const granter = new NatGranter();
  t.false(granter.available());
  granter.service = await sim.until(startNatService(server.platform, at));
  t.true(granter.available());
  t.is(granter.port, 3478);
  const socket = client.platform.dgram.createSocket();
  await sim.until(socket.bind(4000));
  const seen = await sim.until(discoverReflexive(socket, at, client.platform));
  t.deepEqual([seen.address, seen.port], [client.address, 4000]);
  t.is(granter.service.responder.stats.answered, 1);
  await sim.until(granter.service.close());

  const bare = await sim.until(startNatService(server.platform, at, { relay: false }));
  granter.service = bare;
  t.is(bare.relay, undefined);
  t.false(granter.available());
  // A second service on the same port: the port is taken.
  await t.throwsAsync(sim.until(startNatService(server.platform, at)), { code: 'EADDRINUSE' });
  await sim.until(bare.close());
});
