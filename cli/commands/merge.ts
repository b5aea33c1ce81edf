/**
 * `whohas merge a.csv b.csv ... --out all.csv`: joins the shards of one sweep (`--shard i/n`)
 * into the CSV the whole sweep would have written, rows in matrix order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { mergeCsv } from '../../bench/sweep/csv.ts';

export function register(program: Command): void {
  program
    .command('merge')
    .description('Join sweep CSVs (the shards of one matrix) in matrix order')
    .argument('<files...>', 'CSV files written by whohas sweep')
    .option('--out <file.csv>', 'write the merged CSV there (default: stdout)')
    .action(async (files: string[], flags: { out?: string }) => {
      const inputs = await Promise.all(
        files.map(async (name) => ({ name, text: await readFile(name, 'utf8') })),
      );
      const merged = mergeCsv(inputs);
      if (flags.out) await writeFile(flags.out, merged.csv);
      else process.stdout.write(merged.csv);
      const report = flags.out ? console.log : console.error;
      report(
        `merged ${merged.rows} rows from ${files.length} files${flags.out ? ` into ${flags.out}` : ''}`,
      );
      if (merged.missing.length > 0) {
        const shown = merged.missing.slice(0, 10).join(', ');
        console.error(
          `warning: ${merged.missing.length} matrix rows missing (${shown}${merged.missing.length > 10 ? ', ...' : ''}): is a shard missing?`,
        );
        process.exitCode = 1;
      }
    });
}
