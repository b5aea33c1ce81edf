/**
 * Hole punching across every pair of simulated NAT types (sim/nat.ts, RFC 4787): which pairs
 * reach each other directly and which need the relay, as theory says: only a symmetric NAT
 * facing a port-restricted or symmetric one defeats punching.
 */
import test from 'ava';
import { punchAcross, SITES, type Site } from '../../harness/nat-world.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { HolePunch } from '../../impl/nat/punch.ts';
import { Simulator } from '../../sim/index.ts';

function expectDirect(left: Site, right: Site): boolean {
  const hard = (site: Site) => site === 'symmetric';
  const strict = (site: Site) => site === 'symmetric' || site === 'port-restricted';
  return !((hard(left) && strict(right)) || (hard(right) && strict(left)));
}

const matrix = test.macro({
  async exec(t, left: Site, right: Site) {
    const { outcomes, candidates, punches } = await punchAcross(left, right);
    // The premise: a NAT side's reflexive candidate differs from its host candidate.
    if (left !== 'none') t.not(candidates[0][1].address, candidates[0][0].address);
    if (right !== 'none') t.not(candidates[1][1].address, candidates[1][0].address);
    const direct = outcomes.every((outcome) => outcome.status === 'fulfilled');
    t.is(direct, expectDirect(left, right));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        t.true(isWhohasError(outcome.reason, 'NAT_TRAVERSAL_FAILED'));
      else t.true(outcome.value.ms < 3_000);
    }
    t.true(punches.every((punch) => punch.stats.strangers === 0));
  },
  title: (_, left: Site, right: Site) =>
    `${left} ↔ ${right}: ${expectDirect(left, right) ? 'direct' : 'needs the relay'}`,
});

for (const left of SITES) for (const right of SITES) test(matrix, left, right);

test('a probe with the wrong token is a stranger: counted, never answered', async (t) => {
  const sim = new Simulator({ seed: 5 });
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  const socketA = a.platform.dgram.createSocket();
  const socketB = b.platform.dgram.createSocket();
  await sim.until(Promise.all([socketA.bind(1), socketB.bind(2)]));
  const punch = new HolePunch(
    socketA,
    [{ address: b.address, port: 2, kind: 'host' }],
    a.platform,
    {
      transferId: 1,
      token: Buffer.alloc(8, 1),
      timeoutMs: 500,
    },
  );
  // b knows the transfer id but guesses the token.
  const liar = new HolePunch(socketB, [{ address: a.address, port: 1, kind: 'host' }], b.platform, {
    transferId: 1,
    token: Buffer.alloc(8, 2),
    timeoutMs: 500,
  });
  const [mine, theirs] = await sim.until(Promise.allSettled([punch.done, liar.done]));
  t.is(mine.status, 'rejected');
  t.is(theirs.status, 'rejected');
  t.true(punch.stats.strangers > 0, 'the liar probed (the premise)');
  t.is(punch.stats.probesAnswered, 0);
});
