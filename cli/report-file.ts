/**
 * `whohas sweep --report [file.html]`: the HTML report of the sweep just run, beside its CSV
 * (`x.csv` → `x.html`), or in the ignored runs/ folder when the CSV went to stdout.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readProvenance } from '../bench/provenance.ts';
import { ceilingsOf, htmlBeside, REPORT_CAVEAT, referencesFor } from '../bench/reproduce.ts';
import type { Row } from '../bench/sweep/csv.ts';
import { writeReport } from '../bench/sweep/page.ts';

export async function writeSweepReport(
  rows: Row[],
  report: string | true,
  csvPath: string | undefined,
  seed: number,
): Promise<string> {
  const html = report !== true ? report : csvPath ? htmlBeside(csvPath) : `runs/sweep-${seed}.html`;
  await mkdir(dirname(html) || '.', { recursive: true });
  const references = referencesFor(rows);
  await writeReport(
    {
      rows,
      source: csvPath ?? `whohas sweep --seed ${seed} (CSV on stdout)`,
      provenance: csvPath ? await readProvenance(csvPath) : undefined,
      references,
      ceilings: ceilingsOf(rows),
      notes: references.length > 0 ? REPORT_CAVEAT : [],
    },
    { html },
  );
  return html;
}
