/**
 * CI's Murphy's law: every scenario of the catalogue on the simulator, on fixed seeds, through
 * the same runner as `whohas scenario`. One test per scenario so a failure is named, with the
 * command that replays it. Serial: unhandled rejections are caught process-wide per run.
 */
import test from 'ava';
import { catalogue } from '../../scenarios/catalogue.ts';
import { judgeEvidence } from '../../scenarios/evidence.ts';
import { replayCommands, runScenario } from '../../scenarios/runner.ts';

/** Fixed, so CI is reproducible; scripts/scenarios-deep.sh searches many more. */
const CI_SEEDS = [1, 2, 3];

test('every scenario declares its evidence, or says why none applies', (t) => {
  for (const scenario of catalogue) {
    const declared = scenario.evidence;
    // Judged against counters that cover every requirement: only a bad declaration fails.
    const generous = Object.fromEntries(
      (declared?.proves ?? []).map((r) =>
        typeof r === 'string' ? [r, 1] : [r.counter, r.atLeast],
      ),
    );
    const verdict = judgeEvidence(declared, generous);
    t.true(verdict.ok, `${scenario.name}: ${verdict.text}`);
  }
});

for (const scenario of catalogue) {
  test.serial(scenario.name, async (t) => {
    for (const seed of CI_SEEDS) {
      const result = await runScenario(scenario, seed, 'sim');
      t.is(
        result.outcome,
        'pass',
        `${scenario.name} seed ${seed}: ${result.outcome} in the ${result.phase} phase\n` +
          `${result.error}\nevidence: ${result.verdict}\nreplay with:\n  ${replayCommands(result).join('\n  ')}`,
      );
      if (result.outcome !== 'pass') return;
    }
  });
}
