/**
 * `whohas report RESULTS.csv [--html FILE] [--svg DIR] [--png DIR] [--summary FILE]`: charts and
 * the summary of a sweep's CSV, for a paper: throughput per series with error bars (standard
 * deviation and 95 % confidence interval across seeds), the model as a line, the 2016 figures and
 * the measured ceilings as reference marks. The summary table always goes to stdout.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readProvenance } from '../../bench/provenance.ts';
import { ceilingsOf, REPORT_CAVEAT, referencesFor } from '../../bench/reproduce.ts';
import { readRows } from '../../bench/sweep/csv.ts';
import { writeReport } from '../../bench/sweep/page.ts';
import { summaryTable } from '../../bench/sweep/report.ts';
import { renderTable } from '../../bench/table.ts';
import { WhohasError } from '../../impl/errors.ts';

interface ReportFlags {
  html?: string;
  svg?: string;
  png?: string;
  summary?: string;
  title?: string;
}

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

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Charts (HTML, SVG, PNG) and a summary with mean, stddev, 95 % CI and runs, from a sweep CSV',
    )
    .argument('<results.csv>', 'a CSV written by whohas sweep, merge or reproduce')
    .option('--html <file>', 'one self-contained HTML page: charts embedded as SVG, summary table')
    .option('--svg <dir>', 'the charts as SVG files (throughput.svg, retransmits.svg)')
    .option('--png <dir>', "the charts as PNG files (needs Debian's chromium)")
    .option('--summary <file.csv>', 'the summary per point as CSV (mean, sd, ci95, runs)')
    .option('--title <text>', 'the chart and page title')
    .action(async (csvPath: string, flags: ReportFlags) => {
      for (const path of await report(csvPath, flags)) console.error(`wrote ${path}`);
    });
}
