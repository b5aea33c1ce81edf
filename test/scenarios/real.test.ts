/**
 * A few scenarios on real loopback sockets (127.0.0.1), with impl/platform/impaired.ts applying
 * the seeded duplication and corruption to UDP. Their assertions never depend on timing; the
 * whole tagged subset runs with `npx whohas scenario real --transport real`.
 */
import test from 'ava';
import { selectScenarios } from '../../scenarios/catalogue.ts';
import { replayCommands, runScenario } from '../../scenarios/runner.ts';

const SUBSET = [
  'lines/crlf-lf-mixed',
  'login/five-wrong-passwords',
  'malicious/forged-sender',
  'transfers/edge-sizes',
  'transfers/duplication',
  'transfers/corruption',
  'server/admin-kill',
];

for (const name of SUBSET) {
  test.serial(`${name} on loopback`, async (t) => {
    const [scenario] = selectScenarios(name);
    t.true(scenario.tags.includes('real'), `${name} is not tagged real`);
    const result = await runScenario(scenario, 1, 'real');
    t.is(result.outcome, 'pass', `${result.error}\nreplay with: ${replayCommands(result)[0]}`);
  });
}
