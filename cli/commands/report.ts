/**
 * `whohas report RESULTS.csv [--html FILE] [--svg DIR] [--png DIR] [--summary FILE]`: charts and
 * the summary of a sweep's CSV, for a paper: throughput per series with error bars (standard
 * deviation and 95 % confidence interval across seeds), the model as a line, the 2016 figures and
 * the measured ceilings as reference marks. The summary table always goes to stdout. What runs is
 * report-run.ts, loaded only then.
 */
import type { Command } from 'commander';

export interface ReportFlags {
  html?: string;
  svg?: string;
  png?: string;
  summary?: string;
  title?: string;
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
      const { report } = await import('./report-run.ts');
      for (const path of await report(csvPath, flags)) console.error(`wrote ${path}`);
    });
}
