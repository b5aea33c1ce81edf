/** The action of `whohas merge` (its options: merge.ts), loaded only when it runs. */
import { readFile, writeFile } from 'node:fs/promises';
import { readProvenance, writeProvenance } from '../../bench/provenance.ts';
import { mergeCsv } from '../../bench/sweep/csv.ts';
import { checkSameSweep } from '../../bench/sweep/same-sweep.ts';

export async function merge(files: string[], flags: { out?: string }): Promise<void> {
  const inputs = await Promise.all(
    files.map(async (name) => ({
      name,
      text: await readFile(name, 'utf8'),
      provenance: await readProvenance(name),
    })),
  );
  checkSameSweep(inputs);
  const merged = mergeCsv(inputs);
  if (flags.out) {
    await writeFile(flags.out, merged.csv);
    const { command, finished, machine, seed, spec } = inputs[0].provenance!;
    const wallSeconds = inputs.reduce((sum, input) => sum + input.provenance!.wallSeconds, 0);
    await writeProvenance(flags.out, {
      command: command.replace(/ --shard \S+/, '').replace(/--out \S+/, `--out ${flags.out}`),
      finished,
      wallSeconds,
      machine,
      seed,
      spec,
      notes: [`merged from ${files.join(', ')}`],
    });
  } else process.stdout.write(merged.csv);
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
}
