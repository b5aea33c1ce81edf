/**
 * The harness world on both backends: the same chat round trip on the simulator and on loopback,
 * and each fault verb shown to act (a partition or a hold really keeps a message back until it
 * is lifted, a crash takes the server down) or refused where the backend cannot offer it.
 */
import test from 'ava';
import type { BackendKind } from '../../harness/backend.ts';
import { createWorld, type World } from '../../harness/world.ts';
import { isWhohasError } from '../../impl/errors.ts';

async function withWorld(backend: BackendKind, body: (world: World) => Promise<void>) {
  const world = await createWorld({ backend, seed: 5 });
  try {
    await body(world);
  } finally {
    await world.dispose();
  }
}

const roundTrip = test.macro({
  exec: (t, backend: BackendKind) =>
    withWorld(backend, async (world) => {
      const { port } = await world.startServer();
      t.is(port, backend === 'sim' ? 50_000 : port);
      const alice = await world.login('alice', 'lobby', { create: true });
      const bob = await world.login('bob', 'lobby');
      alice.send('@all|hello');
      t.is(await world.until(bob.expect('#alice|')), '#alice|hello');
      t.is(world.server.server.stats.connections, world.server.meter.open);
    }),
  title: (_, backend: BackendKind) => `${backend}: two users log in and a message crosses`,
});
test(roundTrip, 'sim');
test(roundTrip, 'real');

/** alice sends to bob while `fault` is on; the message must not arrive until `lift` runs. */
const heldBack = test.macro({
  exec: (t, fault: (w: World) => void, lift: (w: World) => void) =>
    withWorld('sim', async (world) => {
      await world.startServer();
      const alice = await world.login('alice', 'lobby', { create: true });
      const bob = await world.login('bob', 'lobby');
      fault(world);
      alice.send('@all|through the fault');
      await world.sleep(5_000);
      t.deepEqual(bob.pending(), [], 'the message crossed the fault');
      lift(world);
      t.is(await world.until(bob.expect('#alice|')), '#alice|through the fault');
    }),
  title: (name = '') => `sim: ${name} keeps a message back until lifted`,
});
test(
  'partition/heal',
  heldBack,
  (w) => w.partition('alice', 'server'),
  (w) => w.heal(),
);
test(
  'hold/release',
  heldBack,
  (w) => w.hold('alice', 'server'),
  (w) => w.release('alice', 'server'),
);

test('sim: a crash takes the server down; a restart brings the host back empty', (t) =>
  withWorld('sim', async (world) => {
    await world.startServer();
    const alice = await world.login('alice', 'lobby', { create: true });
    world.crash('server');
    t.true(world.isCrashed('server') && world.wasCrashed('server'));
    t.is(world.crashes, 1);
    t.throws(() => world.server, { message: /no chat server is up/ });
    await world.until(alice.whenClosed());
    world.restart('server');
    t.false(world.isCrashed('server'));
    await world.startServer();
    await world.login('bob', 'lobby', { create: true });
  }));

test('sim: until past the budget rejects with BUDGET_EXCEEDED', (t) =>
  withWorld('sim', async (world) => {
    world.setBudget(1_000);
    const error = await t.throwsAsync(world.sleep(2_000));
    t.true(isWhohasError(error) && error.code === 'BUDGET_EXCEEDED');
  }));

test('real: the verbs only the simulator offers are refused with BAD_ARGUMENT', (t) =>
  withWorld('real', async (world) => {
    for (const verb of [
      () => world.partition('a', 'b'),
      () => world.hold('a', 'b'),
      () => world.crash('a'),
    ]) {
      const error = t.throws(verb);
      t.true(isWhohasError(error) && error.code === 'BAD_ARGUMENT', String(error));
    }
  }));
