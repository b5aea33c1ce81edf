/**
 * NATs in scenario worlds (scenarios/world-nat.ts): a host placed behind a NAT box sees the
 * world through it (STUN on the server's UDP port answers with the NAT's public address), the
 * NAT filters what its mappings do not admit, a reboot drops every mapping, and the counters the
 * NAT scenarios prove their faults with move, while a world without NATs reports none of them.
 */
import test from 'ava';
import { discoverReflexive } from '../../impl/nat/binding.ts';
import { createScenarioWorld, type ScenarioWorld } from '../../scenarios/world.ts';
import {
  behindNat,
  natBox,
  natCounters,
  restartNat,
  startNatServer,
} from '../../scenarios/world-nat.ts';

async function world(): Promise<ScenarioWorld> {
  const w = await createScenarioWorld({
    seed: 1,
    transport: 'sim',
    link: 'lan',
    unhandled: [],
    maxTimeMs: 600_000,
    impairments: true,
  });
  w.setBudget(300_000);
  return w;
}

test.serial(
  'a host behind a NAT learns the NAT’s public address from the server’s STUN',
  async (t) => {
    const w = await world();
    const alice = behindNat(w, 'alice', 'nat-a', { type: 'port-restricted' });
    const served = await startNatServer(w);
    const socket = alice.platform.dgram.createSocket();
    await w.until(socket.bind(41_000));
    const reflexive = await w.until(
      discoverReflexive(
        socket,
        { address: served.server.host.address, port: served.server.port },
        alice.platform,
      ),
    );
    t.is(reflexive.address, w.host('nat-a').address);
    t.not(alice.address, reflexive.address, 'alice has a private address of her own');
    t.true(alice.address.startsWith('192.168.'));
    const counters = w.counters();
    t.is(counters['nat.mappingsCreated'], 1);
    t.is(counters['stun.answered'], 1);
    await w.until(socket.close());
    await w.dispose();
  },
);

test.serial(
  'the NAT filters a stranger, a reboot drops its mappings, expiry is counted',
  async (t) => {
    const w = await world();
    const alice = behindNat(w, 'alice', 'nat-a', {
      type: 'port-restricted',
      mappingTimeoutMs: 20_000,
    });
    const served = await startNatServer(w);
    const socket = alice.platform.dgram.createSocket();
    await w.until(socket.bind(41_000));
    await w.until(
      discoverReflexive(
        socket,
        { address: served.server.host.address, port: served.server.port },
        alice.platform,
      ),
    );
    const heard: string[] = [];
    socket.on('message', (msg) => heard.push(msg.toString()));
    const stranger = w.host('mallory').platform.dgram.createSocket();
    await w.until(stranger.bind(0));
    stranger.send(Buffer.from('knock'), 41_000, w.host('nat-a').address);
    await w.sleep(50);
    t.deepEqual(heard, [], 'a port-restricted NAT admits no one alice did not send to');
    t.is(w.counters()['nat.filteredInbound'], 1);

    t.is(natBox(w, 'nat-a').mappings().length, 1);
    restartNat(w, 'nat-a');
    t.is(natBox(w, 'nat-a').mappings().length, 0);
    t.is(w.counters()['nat.restarts'], 1);

    socket.send(Buffer.from('again'), 9, served.server.host.address);
    await w.sleep(25_000);
    t.is(w.counters()['nat.mappingsExpired'], 1, 'the idle mapping expired after 20 s');
    await w.until(Promise.all([socket.close(), stranger.close()]));
    await w.dispose();
  },
);

test.serial(
  'a world without NATs reports no NAT counters (other families’ reports unchanged)',
  async (t) => {
    const w = await world();
    await w.startServer();
    t.deepEqual(natCounters(w), {});
    t.false(Object.keys(w.counters()).some((name) => /^(nat|relay|stun)\./.test(name)));
    await w.dispose();
  },
);

test.serial('a host already made in public cannot be moved behind a NAT', async (t) => {
  const w = await world();
  w.host('bob');
  t.throws(() => behindNat(w, 'bob', 'nat-b'), { message: /already exists/ });
  await w.dispose();
});
