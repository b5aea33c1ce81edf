/**
 * `whohas scenario [NAME|TAG|all] [--seed S] [--seeds K] [--transport sim|real]
 * [--reporter table|json|junit] [--out FILE] [--no-impairments] [--list]`: runs the Murphy's-law
 * catalogue. Exit 0 all passed, 1 an invariant broken, 2 no recovery in time, 3 a crash, 4 no
 * evidence that the fault happened (the worst outcome wins: crash, no recovery, invariant, no
 * evidence); 64 a usage error (unknown scenario, bad flag value), before anything runs; 73 the
 * report file cannot be written. What runs is scenario-run.ts, loaded only then.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { BackendKind } from '../../harness/backend.ts';
import type { ReporterName } from '../../scenarios/reporters.ts';

/** sysexits.h: the command was used incorrectly. */
export const EX_USAGE = 64;

/** scenarios/reporters.ts's REPORTERS (test/cli/startup-graph.test.ts checks they agree). */
export const REPORTERS: readonly ReporterName[] = ['table', 'json', 'junit'];

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

export interface ScenarioOptions {
  seed?: number;
  seeds: number;
  transport: BackendKind;
  reporter: ReporterName;
  out?: string;
  impairments: boolean;
  list?: boolean;
  pcap?: string;
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
      oneOf<BackendKind>(['sim', 'real']),
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
    .action(async (selector: string, options: ScenarioOptions) => {
      const { runScenarios } = await import('./scenario-run.ts');
      await runScenarios(selector, options);
    });
}
