/** The action of `whohas report` (its options: report.ts), loaded only when it runs. */
import { readFile } from 'node:fs/promises';
import { readProvenance } from '../../bench/provenance.ts';
import { ceilingsOf, REPORT_CAVEAT, referencesFor } from '../../bench/reproduce.ts';
import { readRows } from '../../bench/sweep/csv.ts';
import { writeReport } from '../../bench/sweep/page.ts';
import { summaryTable } from '../../bench/sweep/report.ts';
import { renderTable } from '../../bench/table.ts';
import { WhohasError } from '../../impl/errors.ts';

import type { ReportFlags } from './report.ts';

export async function report(csvPath: string, flags: ReportFlags): Promise<string[]> {
  const rows = readRows(await readFile(csvPath, 'utf8'));
  if (rows.length === 0) throw new WhohasError('BAD_ARGUMENT', `${csvPath}: no rows`);
  if (!('throughput_Bps' in rows[0]) || !('window' in rows[0])) {
    throw new WhohasError('BAD_ARGUMENT', `${csvPath}: not a whohas sweep CSV (no throughput_Bps)`);
  }
  const references = referencesFor(rows);
  console.log(renderTable(summaryTable(rows)));
  return writeReport(
    {
      rows,
      source: csvPath,
      title: flags.title,
      provenance: await readProvenance(csvPath),
      references,
      ceilings: ceilingsOf(rows),
      notes: references.length > 0 ? REPORT_CAVEAT : [],
    },
    { html: flags.html, svgDir: flags.svg, pngDir: flags.png, summaryCsv: flags.summary },
  );
}
