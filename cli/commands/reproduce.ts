/**
 * `whohas reproduce` (what `npm start` runs): the 2016 report's experiment on real loopback and
 * on the simulator, beside the report's numbers. See bench/reproduce.ts.
 */
import type { Command } from 'commander';
import { REPRODUCE_CSV, reproduce } from '../../bench/reproduce.ts';

export function register(program: Command): void {
  program
    .command('reproduce')
    .description(
      "Reproduce the 2016 report's throughput table (21.76 MB, N = 1..128) on loopback and the simulator",
    )
    .option('--out <file.csv>', 'where the CSV goes', REPRODUCE_CSV)
    .option('--no-progress', 'no progress bars')
    .action(async (flags: { out: string; progress: boolean }) => {
      await reproduce({ out: flags.out, progress: flags.progress, color: process.stdout.isTTY });
    });
}
