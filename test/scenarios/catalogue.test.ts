/**
 * CI's Murphy's law: every scenario of the catalogue on the simulator, on fixed seeds, through
 * the same runner as `whohas scenario`. One test per scenario so a failure is named, with the
 * command that replays it. Serial: unhandled rejections are caught process-wide per run.
 */
import test from 'ava';
import { catalogue } from '../../scenarios/catalogue.ts';
import { replayCommands, runScenario } from '../../scenarios/runner.ts';

/** Fixed, so CI is reproducible; scripts/scenarios-deep.sh searches many more. */
const CI_SEEDS = [1, 2, 3];

for (const scenario of catalogue) {
  test.serial(scenario.name, async (t) => {
    for (const seed of CI_SEEDS) {
      const result = await runScenario(scenario, seed, 'sim');
      if (result.outcome !== 'pass') {
        t.fail(
          `${scenario.name} seed ${seed}: ${result.outcome} in the ${result.phase} phase\n` +
            `${result.error}\nreplay with:\n  ${replayCommands(result).join('\n  ')}`,
        );
        return;
      }
    }
    t.pass();
  });
}
