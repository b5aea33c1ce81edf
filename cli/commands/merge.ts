/**
 * `whohas merge a.csv b.csv ... --out all.csv`: joins the shards of one sweep (`--shard i/n`)
 * into the CSV the whole sweep would have written, rows in matrix order. Shards of different
 * specs or seeds are refused (each CSV's .json sidecar records both).
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('merge')
    .description('Join sweep CSVs (the shards of one matrix) in matrix order')
    .argument('<files...>', 'CSV files written by whohas sweep')
    .option('--out <file.csv>', 'write the merged CSV there (default: stdout)')
    .action(async (files: string[], flags: { out?: string }) => {
      const { merge } = await import('./merge-run.ts');
      await merge(files, flags);
    });
}
