/**
 * A few scenarios on real loopback sockets (127.0.0.1), with harness/impaired.ts applying the
 * seeded duplication and corruption to UDP. Their assertions never depend on timing; the
 * whole tagged subset runs with `npx whohas scenario real --transport real`. The transfer
 * scenarios move 1 MiB and must show their fault in the impairment layer's own counters; with
 * the layer switched off the same scenario fails.
 */
import test from 'ava';
import { selectScenarios } from '../../scenarios/catalogue.ts';
import { replayCommands, runScenario } from '../../scenarios/runner.ts';
import { REAL_BYTES } from '../../scenarios/transfers-faults.ts';

const SUBSET = [
  'lines/crlf-lf-mixed',
  'login/five-wrong-passwords',
  'malicious/forged-sender',
  'transfers/edge-sizes',
  'server/admin-kill',
];

/** Fault scenarios and the impairment counter each must move on loopback. */
const FAULTS: Array<[string, string]> = [
  ['transfers/duplication', 'net.duplicated'],
  ['transfers/corruption', 'net.corrupted'],
];

for (const name of SUBSET) {
  test.serial(`${name} on loopback`, async (t) => {
    const [scenario] = selectScenarios(name);
    t.true(scenario.tags.includes('real'), `${name} is not tagged real`);
    const result = await runScenario(scenario, 1, 'real');
    t.is(result.outcome, 'pass', `${result.error}\nreplay with: ${replayCommands(result)[0]}`);
  });
}

for (const [name, counter] of FAULTS) {
  test.serial(`${name} on loopback moves 1 MiB and shows its fault`, async (t) => {
    const [scenario] = selectScenarios(name);
    const result = await runScenario(scenario, 1, 'real');
    t.is(result.outcome, 'pass', `${result.error}\nreplay with: ${replayCommands(result)[0]}`);
    t.true(result.evidence[counter] > 0, `${counter} = ${result.evidence[counter]}`);
    t.true(result.evidence['transfer.maxBytes'] >= REAL_BYTES, result.verdict);
  });
}

test.serial('transfers/corruption on loopback without impairments proves nothing', async (t) => {
  const [scenario] = selectScenarios('transfers/corruption');
  const result = await runScenario(scenario, 1, 'real', { impairments: false });
  t.is(result.outcome, 'no-evidence', result.error);
  t.is(result.evidence['net.corrupted'], 0);
});
