/**
 * The premise check: a fault scenario must fail when its fault cannot happen. With the network's
 * impairments switched off (no loss, burst loss, duplication, corruption, reordering, jitter or
 * partition; everything else as usual), every scenario whose evidence only an impairment can
 * produce must fail, as `no-evidence` or otherwise (loss-100's download then succeeds: an
 * invariant). Before evidence existed, all of them but loss-100 passed like this. One seed each.
 */
import test from 'ava';
import { catalogue } from '../../scenarios/catalogue.ts';
import { dependsOnImpairment } from '../../scenarios/evidence.ts';
import { runScenario } from '../../scenarios/runner.ts';

const dependent = catalogue.filter((s) => dependsOnImpairment(s.evidence));

test('the scenarios known to need an impairment are all among those checked', (t) => {
  const names = dependent.map((s) => s.name);
  for (const name of [
    'transfers/loss-100',
    'transfers/loss-30',
    'transfers/burst-loss',
    'transfers/reordering',
    'transfers/duplication',
    'transfers/corruption',
    'transfers/ack-loss',
    'server/partition-heals',
  ]) {
    t.true(names.includes(name), `${name} does not declare impairment evidence`);
  }
});

for (const scenario of dependent) {
  test.serial(`${scenario.name} fails with impairments off`, async (t) => {
    const result = await runScenario(scenario, 1, 'sim', { impairments: false });
    t.not(result.outcome, 'pass', `passed without its fault: ${result.verdict}`);
    t.false(result.impairments);
  });
}
