/**
 * Runs a selection over seeds and prints what the CLI shows: the seed first, one table row per
 * scenario as it finishes, then each failure with the command that replays it.
 */
import type { BackendKind } from '../harness/backend.ts';
import type { Scenario } from './format.ts';
import {
  exitCode,
  type RunOptions,
  type RunResult,
  replayCommands,
  runScenario,
} from './runner.ts';

export interface SuiteOptions extends RunOptions {
  seed: number;
  seeds: number;
  transport: BackendKind;
  print: (line: string) => void;
  /** After every run: runs done, runs in all, failed runs so far (for a progress line). */
  progress?: (done: number, total: number, failed: number) => void;
}

export interface SuiteResult {
  results: RunResult[];
  exitCode: number;
  wallMs: number;
}

/** Seeds `seed`, `seed + 1`, ... so one printed seed names the whole run. */
export function seedList(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => seed + i);
}

function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms.toFixed(0)} ms`;
}

export async function runSuite(scenarios: Scenario[], options: SuiteOptions): Promise<SuiteResult> {
  const { print } = options;
  const seeds = seedList(options.seed, options.seeds);
  const seedText = seeds.length === 1 ? `${options.seed}` : `${seeds[0]}..${seeds.at(-1)}`;
  const calm = options.impairments === false ? ', impairments off' : '';
  print(`seed: ${seedText} (transport ${options.transport}${calm}, ${scenarios.length} scenarios)`);
  const width = Math.max(8, ...scenarios.map((s) => s.name.length));
  const row = (cells: string[]) =>
    print(
      `${cells[0].padEnd(width)}  ${cells[1].padStart(5)}  ${cells[2].padEnd(22)}  ${cells[3].padStart(10)}  ${cells[4].padStart(9)}`,
    );
  row(['scenario', 'seeds', 'result', 'simulated', 'wall']);
  const results: RunResult[] = [];
  const started = performance.now();
  const total = scenarios.length * seeds.length;
  let failedSoFar = 0;
  for (const scenario of scenarios) {
    const mine: RunResult[] = [];
    for (const seed of seeds) {
      const result = await runScenario(scenario, seed, options.transport, options);
      mine.push(result);
      if (result.outcome !== 'pass') failedSoFar++;
      options.progress?.(results.length + mine.length, total, failedSoFar);
    }
    results.push(...mine);
    const failed = mine.filter((r) => r.outcome !== 'pass');
    const result =
      failed.length === 0
        ? 'pass'
        : `FAIL ${failed[0].outcome}${failed.length > 1 ? ` (${failed.length} seeds)` : ''}`;
    const sum = (pick: (r: RunResult) => number) => mine.reduce((t, r) => t + pick(r), 0);
    row([
      scenario.name,
      String(seeds.length),
      result,
      formatMs(sum((r) => r.simMs)),
      formatMs(sum((r) => r.wallMs)),
    ]);
  }
  const failures = results.filter((r) => r.outcome !== 'pass');
  const wallMs = performance.now() - started;
  print(
    `${results.length - failures.length}/${results.length} runs passed in ${formatMs(wallMs)} of wall time`,
  );
  for (const failure of failures) {
    print('');
    print(
      `FAILED ${failure.scenario} seed ${failure.seed} (${failure.outcome}, ${failure.phase} phase)`,
    );
    print(`  ${(failure.error ?? '').split('\n').join('\n  ')}`);
    if (failure.error !== failure.verdict) print(`  evidence: ${failure.verdict}`);
    print('  replay with:');
    for (const command of replayCommands(failure)) print(`    ${command}`);
  }
  return { results, exitCode: exitCode(results), wallMs };
}
