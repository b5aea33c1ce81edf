/**
 * `whohas scenario [NAME|TAG|all] [--seed S] [--seeds K] [--transport sim|real]
 * [--reporter table|json|junit] [--out FILE] [--no-impairments] [--list]`: runs the Murphy's-law
 * catalogue. Exit 0 all passed, 1 an invariant broken, 2 no recovery in time, 3 a crash, 4 no
 * evidence that the fault happened (the worst outcome wins: crash, no recovery, invariant, no
 * evidence); 64 a usage error (unknown scenario, bad flag value), before anything runs; 73 the
 * report file cannot be written.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { BackendKind } from '../../harness/backend.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { catalogue, selectScenarios } from '../../scenarios/catalogue.ts';
import { runsOn, type Scenario } from '../../scenarios/format.ts';
import { createProgress } from '../../scenarios/progress.ts';
import { runSuite, seedList } from '../../scenarios/report.ts';
import {
  REPORTERS,
  type ReporterName,
  toJson,
  toJunit,
  toRecord,
} from '../../scenarios/reporters.ts';

/** sysexits.h: the command was used incorrectly. */
export const EX_USAGE = 64;
/** sysexits.h: a (user-specified) output file cannot be created. */
export const EX_CANTCREAT = 73;

function wholeNumber(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    }
    return value;
  };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (text: string): T => {
    if (!values.includes(text as T)) throw new InvalidArgumentError(`must be ${values.join('|')}`);
    return text as T;
  };
}

interface Options {
  seed?: number;
  seeds: number;
  transport: BackendKind;
  reporter: ReporterName;
  out?: string;
  impairments: boolean;
  list?: boolean;
  pcap?: string;
}

function usageError(message: string): void {
  console.error(`whohas: ${message}`);
  process.exitCode = EX_USAGE;
}

function choose(selector: string, options: Options): Scenario[] | undefined {
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

async function run(selector: string, options: Options): Promise<void> {
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

export function register(program: Command): void {
  program
    .command('scenario')
    .description("run Murphy's-law fault scenarios: a name, a family or tag, or all")
    .argument('[selector]', 'scenario name (family/name), family, tag or all', 'all')
    .option('--seed <S>', 'first seed (default: random, always printed)', wholeNumber('seed', 0))
    .option('--seeds <K>', 'run seeds S, S+1, ..., S+K-1', wholeNumber('seeds', 1), 1)
    .option(
      '--transport <T>',
      'sim (the simulator) or real (loopback sockets)',
      oneOf(['sim', 'real'] as const),
      'sim',
    )
    .option(
      '--reporter <R>',
      'table (for people), json or junit (one record per run)',
      oneOf(REPORTERS),
      'table',
    )
    .option('--out <FILE>', 'write the report to FILE instead of stdout')
    .option(
      '--no-impairments',
      'switch the network impairments off (a premise check: fault scenarios must fail)',
    )
    .option('--pcap <DIR>', 'sim: one pcapng per run in DIR, drops and damage as packet comments')
    .option('--list', 'list the scenarios with their tags and descriptions, then exit')
    // Usage errors (bad flag values, unknown options) exit 64, apart from every test outcome.
    .exitOverride((error) => {
      if (error.exitCode !== 0) process.exit(EX_USAGE);
    })
    .action((selector: string, options: Options) => run(selector, options));
}
