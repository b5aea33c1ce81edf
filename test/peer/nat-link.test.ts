/**
 * A peer's NAT state (impl/peer/nat-link.ts): RELAY lines reach the transfer that waits for them
 * and nothing else; the server's RELAY_REFUSED ends the requester's wait; a wait ends in bounded
 * time; and the `nat` option is checked at construction.
 */
import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { LOGIN_STUN_WAIT_MS, PeerNat } from '../../impl/peer/nat-link.ts';
import { resolvePeerOptions } from '../../impl/peer/peer-options.ts';
import { Simulator } from '../../sim/index.ts';

function setup() {
  const sim = new Simulator({ seed: 1 });
  const host = sim.addHost('bob');
  const sent: string[] = [];
  const session = {
    name: 'bob',
    localAddress: host.address,
    remoteAddress: '10.0.0.9',
    server: { host: '10.0.0.9', port: 50000 },
    send: (line: string) => sent.push(line) > 0,
  };
  const nat = new PeerNat(host.platform, { stun: 'server', punchMs: 3000, relay: true }, session);
  return { sim, host, nat, sent };
}

test('a RELAY line resolves the wait of its transfer only', async (t) => {
  const { sim, nat, sent } = setup();
  t.true(nat.askRelay(7, 'alice'));
  t.deepEqual(sent, ['@server|relay|7|alice']);
  const mine = nat.waitRelay('requester', 'alice', 7, 5000);
  const other = nat.waitRelay('requester', 'alice', 8, 5000);
  // A grant for a transfer nobody waits for, and one for us, both consumed as server lines.
  t.true(nat.handleLine('RELAY|99|bob|alice|0123456789abcdef|50000'));
  t.true(nat.handleLine('RELAY|7|bob|alice|0123456789abcdef|50000'));
  const grant = await sim.until(mine.grant);
  t.deepEqual(grant, { transferId: 7, token: Buffer.from('0123456789abcdef', 'hex'), port: 50000 });
  const late = await sim.until(other.grant.catch((error: unknown) => error));
  t.true(isWhohasError(late, 'RELAY_REFUSED'), 'the unanswered wait ends after 5 s');
  t.false(nat.handleLine('#alice|hello'));
});

test("the server's RELAY_REFUSED ends the requester's wait, not the owner's", async (t) => {
  const { sim, nat } = setup();
  const asked = nat.waitRelay('requester', 'alice', 7, 5000);
  const owner = nat.waitRelay('owner', 'carol', 9, 60_000);
  t.true(nat.handleLine('ERROR|RELAY_REFUSED|This server has no relay'));
  const error = await sim.until(asked.grant.catch((e: unknown) => e));
  t.true(isWhohasError(error, 'RELAY_REFUSED'));
  t.true(nat.handleLine('RELAY|9|carol|bob|00112233445566ff|50000'));
  t.is((await sim.until(owner.grant)).transferId, 9);
});

test('a transfer waits for an unanswered login STUN one second, not its 3.75 s of retries', async (t) => {
  // Nothing listens on the server's UDP port: the login's discovery runs its whole schedule.
  const { sim, host, nat } = setup();
  sim.addHost('server', { address: '10.0.0.9' });
  const started = host.platform.clock.now();
  nat.start();
  await sim.until(nat.loggedIn());
  t.is(host.platform.clock.now() - started, LOGIN_STUN_WAIT_MS);
  t.is(nat.reflexive, undefined);
  nat.close();
});

test('an owner waiting in vain ends with NAT_TRAVERSAL_FAILED', async (t) => {
  const { sim, host, nat } = setup();
  const started = host.platform.clock.now();
  const error = await sim.until(nat.waitRelay('owner', 'alice', 7, 11_000).grant.catch((e) => e));
  t.true(isWhohasError(error, 'NAT_TRAVERSAL_FAILED'));
  t.is(host.platform.clock.now() - started, 11_000);
});

const badOption = test.macro({
  exec(t, nat: unknown, message: RegExp) {
    const error = t.throws(() =>
      resolvePeerOptions({ platform: {} as never, name: 'bob', folder: '/f', nat: nat as never }),
    );
    t.true(isWhohasError(error, 'BAD_ARGUMENT'));
    t.regex(error?.message ?? '', message);
  },
  title: (_, nat: unknown) => `nat option ${JSON.stringify(nat)} is refused`,
});

test(badOption, { stun: 'server', punchMs: 0 }, /punchMs/);
test(badOption, { stun: { address: '192.0.2.1', port: 0 } }, /nat.stun/);
test(badOption, { stun: 'elsewhere' }, /nat.stun/);

test('nat defaults: off, or punching for 3 s with the relay', (t) => {
  const base = { platform: {} as never, name: 'bob', folder: '/f' };
  t.is(resolvePeerOptions(base).nat, undefined);
  t.is(resolvePeerOptions({ ...base, nat: false }).nat, undefined);
  t.deepEqual(resolvePeerOptions({ ...base, nat: { stun: 'server' } }).nat, {
    stun: 'server',
    punchMs: 3000,
    relay: true,
  });
});
