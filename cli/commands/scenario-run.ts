/** The action of `whohas scenario` (its options: scenario.ts), loaded only when it runs. */
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWhohasError } from '../../impl/errors.ts';
import { catalogue, selectScenarios } from '../../scenarios/catalogue.ts';
import { runsOn, type Scenario } from '../../scenarios/format.ts';
import { createProgress } from '../../scenarios/progress.ts';
import { runSuite, seedList } from '../../scenarios/report.ts';
import { toJson, toJunit, toRecord } from '../../scenarios/reporters.ts';

import { EX_USAGE, type ScenarioOptions } from './scenario.ts';

/** sysexits.h: a (user-specified) output file cannot be created. */
const EX_CANTCREAT = 73;

function usageError(message: string): void {
  console.error(`whohas: ${message}`);
  process.exitCode = EX_USAGE;
}

function choose(selector: string, options: ScenarioOptions): Scenario[] | undefined {
  try {
    const chosen = selectScenarios(selector).filter((s) => runsOn(s, options.transport));
    if (chosen.length === 0) {
      usageError(`'${selector}' has no scenario that runs with --transport ${options.transport}`);
      return undefined;
    }
    return chosen;
  } catch (error) {
    if (!isWhohasError(error, 'BAD_ARGUMENT')) throw error;
    usageError(error.message);
    return undefined;
  }
}

export async function runScenarios(selector: string, options: ScenarioOptions): Promise<void> {
  const chosen = choose(selector, options);
  if (chosen === undefined) return;
  if (options.list) {
    for (const s of chosen) console.log(`${s.name}  [${s.tags.join(', ')}]  ${s.description}`);
    console.log(`${chosen.length} of ${catalogue.length} scenarios`);
    return;
  }
  if (options.pcap !== undefined && options.transport !== 'sim') {
    return usageError('--pcap needs --transport sim: only the simulator sees every packet');
  }
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  if (!Number.isSafeInteger(seedList(seed, options.seeds).at(-1))) {
    return usageError('--seed plus --seeds goes past the largest safe integer');
  }
  if (options.out !== undefined) {
    try {
      writeFileSync(options.out, '');
    } catch (error) {
      console.error(`whohas: cannot write the report to ${options.out}: ${String(error)}`);
      process.exitCode = EX_CANTCREAT;
      return;
    }
  }
  // A machine report on stdout keeps stdout to itself: the table goes to stderr then.
  const reportOnStdout = options.reporter !== 'table' && options.out === undefined;
  const table: string[] = [];
  const progress = createProgress({
    write: (text) => process.stderr.write(text),
    tty: process.stderr.isTTY === true,
  });
  const suite = await runSuite(chosen, {
    seed,
    seeds: options.seeds,
    transport: options.transport,
    impairments: options.impairments,
    onPcap: options.pcap === undefined ? undefined : pcapWriter(options.pcap),
    print: (line) => {
      table.push(line);
      progress.finish();
      if (reportOnStdout) console.error(line);
      else console.log(line);
    },
    progress: (done, total, failed) => progress.update(done, total, failed),
  });
  progress.finish();
  const report = {
    seed,
    seeds: options.seeds,
    transport: options.transport,
    exitCode: suite.exitCode,
    wallMs: Math.round(suite.wallMs),
    runs: suite.results.map(toRecord),
  };
  const text =
    options.reporter === 'json'
      ? toJson(report)
      : options.reporter === 'junit'
        ? await toJunit(report)
        : `${table.join('\n')}\n`;
  if (options.out !== undefined) writeFileSync(options.out, text);
  else if (reportOnStdout) process.stdout.write(text);
  process.exitCode = suite.exitCode;
}

/** One pcapng per run: `<family>_<name>-seed<S>.pcapng` in the folder. */
function pcapWriter(dir: string) {
  mkdirSync(dir, { recursive: true });
  return (pcapng: Buffer, run: { scenario: string; seed: number }) => {
    writeFileSync(join(dir, `${run.scenario.replaceAll('/', '_')}-seed${run.seed}.pcapng`), pcapng);
  };
}
