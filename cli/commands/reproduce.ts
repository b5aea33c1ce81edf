/**
 * `whohas reproduce` (what `npm start` runs): the 2016 report's experiment on real loopback and
 * on the simulator, beside the report's numbers. See bench/reproduce.ts, loaded only when the
 * command runs.
 */
import type { Command } from 'commander';

/** bench/reproduce.ts's REPRODUCE_CSV (test/cli/startup-graph.test.ts checks they agree). */
export const REPRODUCE_CSV = 'runs/reproduce-2016.csv';

export function register(program: Command): void {
  program
    .command('reproduce')
    .description(
      "Reproduce the 2016 report's throughput table (21.76 MB, N = 1..128) on loopback and the simulator",
    )
    .option('--out <file.csv>', 'where the CSV goes', REPRODUCE_CSV)
    .option('--no-progress', 'no progress bars')
    .action(async (flags: { out: string; progress: boolean }) => {
      const { reproduce } = await import('../../bench/reproduce.ts');
      await reproduce({ out: flags.out, progress: flags.progress, color: process.stdout.isTTY });
    });
}
