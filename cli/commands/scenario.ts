/**
 * `whohas scenario [NAME|TAG|all] [--seed S] [--seeds K] [--transport sim|real]`: runs the
 * Murphy's-law catalogue. Exit 0 all passed, 1 an invariant broken, 2 no recovery in time,
 * 3 a crash (the worst outcome wins).
 */
import { randomInt } from 'node:crypto';
import { type Command, InvalidArgumentError } from 'commander';
import { catalogue, selectScenarios } from '../../scenarios/catalogue.ts';
import { runsOn, type Transport } from '../../scenarios/format.ts';
import { runSuite } from '../../scenarios/report.ts';

function wholeNumber(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    }
    return value;
  };
}

function transport(text: string): Transport {
  if (text !== 'sim' && text !== 'real') throw new InvalidArgumentError('must be sim or real');
  return text;
}

export function register(program: Command): void {
  program
    .command('scenario')
    .description("run Murphy's-law fault scenarios: a name, a family or tag, or all")
    .argument('[selector]', 'scenario name (family/name), family, tag or all', 'all')
    .option('--seed <S>', 'first seed (default: random, always printed)', wholeNumber('seed', 0))
    .option('--seeds <K>', 'run seeds S, S+1, ..., S+K-1', wholeNumber('seeds', 1), 1)
    .option('--transport <T>', 'sim (the simulator) or real (loopback sockets)', transport, 'sim')
    .option('--list', 'list the scenarios with their tags and descriptions, then exit')
    .action(
      async (
        selector: string,
        options: { seed?: number; seeds: number; transport: Transport; list?: boolean },
      ) => {
        const chosen = selectScenarios(selector).filter((s) => runsOn(s, options.transport));
        if (options.list) {
          for (const s of chosen)
            console.log(`${s.name}  [${s.tags.join(', ')}]  ${s.description}`);
          console.log(`${chosen.length} of ${catalogue.length} scenarios`);
          return;
        }
        if (chosen.length === 0) {
          throw new InvalidArgumentError(
            `'${selector}' has no scenario that runs with --transport ${options.transport}`,
          );
        }
        const { exitCode } = await runSuite(chosen, {
          seed: options.seed ?? randomInt(0, 2 ** 31),
          seeds: options.seeds,
          transport: options.transport,
          print: (line) => console.log(line),
        });
        process.exitCode = exitCode;
      },
    );
}
