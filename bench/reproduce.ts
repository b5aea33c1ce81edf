/**
 * `whohas reproduce` (`npm start`): the 2016 report's experiment again. A 21.76 MB file in
 * 2048-byte datagrams, Go-Back-N window 1 to 128, through the real peer code: on real loopback
 * UDP (wall clock, with the raw-UDP and TCP ceilings measured in the same run) and on the
 * simulator's lan profile (virtual time, beside the model). Writes runs/reproduce-2016.csv (ignored)
 * and its HTML report runs/reproduce-2016.html unless told where.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { machine, machineLine, readProvenance, writeProvenance } from './provenance.ts';
import { renderChart } from './sweep/chart.ts';
import { type Row, toCsv } from './sweep/csv.ts';
import { writeReport } from './sweep/page.ts';
import type { Ceiling, Reference } from './sweep/plot.ts';
import { runSweep } from './sweep/run.ts';
import { type SweepSpec, unsweptDefaults } from './sweep/spec.ts';
import { renderTable, type Table } from './table.ts';

/**
 * Where `npm start` writes by default: an ignored folder, so the quick start leaves a clean tree.
 * `results/reproduce-2016.csv` is written on purpose, with `--out` (scripts/regenerate-results).
 */
export const REPRODUCE_CSV = 'runs/reproduce-2016.csv';
export const REPRODUCE_SEED = 2016;
export const FILE_BYTES = 21.76e6;
export const PACKET_SIZE = 2048;
export const WINDOWS = [1, 2, 4, 8, 16, 32, 64, 128];

/** The report's measurements (seed/report-2016.txt): 21.76 MB in 20.92 s and 19.42 s. */
export const REPORT_2016 = [
  { window: 16, seconds: 20.92 },
  { window: 32, seconds: 19.42 },
].map((entry) => ({ ...entry, bytesPerSecond: FILE_BYTES / entry.seconds }));

/**
 * The 2016 Python code itself, measured independently on this class of machine (2 cores, loopback,
 * not in this run; the code is neither included nor run here): about 21–28 MB/s at window 16 and
 * ~43 MB/s at window 32; at window 64 it stalled, and with its own fake-loss option on it truncated
 * 7 of 12 files. The speed-up column divides by this, not by the report's 2016 hardware figure.
 */
export const CODE_2016_HERE = { window16: [21e6, 28e6], window32: 43e6, typical: 25e6 } as const;

/** Why the report's figures are not a same-machine baseline, printed under the table. */
export const REPORT_CAVEAT = [
  "The '2016 report' column is the report's own figures, measured on 2016 hardware: not a same-machine comparison.",
  'On this class of machine the 2016 Python code itself reached about 21–28 MB/s at window 16 and ~43 MB/s at window 32,',
  'stalled at window 64, and truncated 7 of 12 files with its own fake-loss option on (an independent measurement;',
  'that code is not included or run here). The ÷ columns are ratios to that code and to the ceilings of this run.',
];

const common: Omit<SweepSpec, 'transport' | 'profiles' | 'losses'> = {
  engine: 'peer',
  windows: WINDOWS,
  packetSizes: [PACKET_SIZE],
  sizes: [FILE_BYTES],
  seeds: [REPRODUCE_SEED],
  ...unsweptDefaults(),
  timeLimitS: 10,
};

export const LOOPBACK_SPEC: SweepSpec = {
  ...common,
  transport: 'udp',
  profiles: ['loopback'],
  losses: [null],
};
export const SIMULATED_SPEC: SweepSpec = {
  ...common,
  transport: 'sim',
  profiles: ['lan'],
  losses: [null],
};

const MB = (bps: number) => bps / 1e6;

/** The 2016 figures as chart marks: the report's own, and the 2016 code measured on this class of machine. */
export function references2016(): Reference[] {
  const here = '2016 code, this class of machine';
  return [
    ...REPORT_2016.map((entry) => ({
      label: '2016 report (2016 hardware)',
      x: entry.window,
      y: MB(entry.bytesPerSecond),
    })),
    {
      label: here,
      x: 16,
      y: MB(CODE_2016_HERE.window16[0]),
      y2: MB(CODE_2016_HERE.window16[1]),
    },
    { label: here, x: 32, y: MB(CODE_2016_HERE.window32) },
  ];
}

/** The 2016 marks belong on a chart of the 2016 experiment only: 2048-byte packets, 21.76 MB. */
export function referencesFor(rows: Row[]): Reference[] {
  const same = rows.every(
    (row) => Number(row.packet_size) === PACKET_SIZE && Number(row.file_bytes) === FILE_BYTES,
  );
  return same && new Set(rows.map((row) => row.window)).size > 1 ? references2016() : [];
}

/** The raw UDP and TCP ceilings measured in a loopback run, averaged over its rows. */
export function ceilingsOf(rows: Row[]): Ceiling[] {
  const average = (column: 'udp_blast_Bps' | 'tcp_Bps') => {
    const values = rows.filter((row) => row[column] !== '').map((row) => Number(row[column]));
    return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  };
  return [
    { label: 'raw UDP blast, loopback', y: MB(average('udp_blast_Bps')) },
    { label: 'TCP stream, loopback', y: MB(average('tcp_Bps')) },
  ].filter((ceiling) => Number.isFinite(ceiling.y));
}

/** The HTML report beside a CSV: `x.csv` → `x.html`. */
export function htmlBeside(csvPath: string): string {
  return `${csvPath.replace(/\.csv$/, '')}.html`;
}
const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

function byWindow(rows: Row[], transport: string): Map<number, Row> {
  return new Map(
    rows.filter((row) => row.transport === transport).map((row) => [Number(row.window), row]),
  );
}

function throughput(row: Row | undefined): number {
  return row && row.status === 'ok' ? Number(row.throughput_Bps) : Number.NaN;
}

export function reproduceTable(rows: Row[]): Table {
  const loopback = byWindow(rows, 'udp');
  const simulated = byWindow(rows, 'sim');
  return {
    head: [
      'window N',
      "2016 report's figure (2016 hardware)",
      'whohas, loopback',
      `÷ 2016 code on this machine (≈${MB(CODE_2016_HERE.typical)} MB/s)`,
      '÷ raw UDP',
      '÷ TCP',
      '÷ atftp (same N)',
      'simulated lan',
      'model',
    ],
    rows: WINDOWS.map((window) => {
      const report = REPORT_2016.find((entry) => entry.window === window);
      const real = loopback.get(window);
      const bps = throughput(real);
      const status = real && real.status !== 'ok' ? String(real.status) : undefined;
      return [
        window,
        report ? `${fixed(MB(report.bytesPerSecond), 2)} MB/s` : '',
        status ?? `${fixed(MB(bps), 1)} MB/s`,
        status ? '' : `× ${fixed(bps / CODE_2016_HERE.typical, 1)}`,
        status ? '' : fixed(Number(real?.over_udp_blast), 2),
        status ? '' : fixed(Number(real?.over_tcp), 3),
        status ? '' : fixed(Number(real?.over_atftp), 2),
        `${fixed(MB(throughput(simulated.get(window))), 1)} MB/s`,
        `${fixed(MB(Number(simulated.get(window)?.model_Bps)), 1)} MB/s`,
      ];
    }),
    align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  };
}

export function baselineLine(rows: Row[]): string {
  const row = rows.find(
    (candidate) => candidate.transport === 'udp' && candidate.udp_blast_Bps !== '',
  );
  if (!row) return '';
  const atftp = rows
    .filter((candidate) => candidate.transport === 'udp')
    .map((candidate) =>
      candidate.atftp_Bps === ''
        ? `stalled at N=${candidate.window}`
        : `${fixed(MB(Number(candidate.atftp_Bps)), 0)} at N=${candidate.window}`,
    );
  return (
    `Ceilings measured in the same run on loopback: raw UDP blast of ${PACKET_SIZE}-byte datagrams ${fixed(MB(Number(row.udp_blast_Bps)), 1)} MB/s ` +
    `(${fixed(MB(Number(row.udp_blast_callbacks_Bps)), 1)} MB/s with a callback per send), TCP stream ${fixed(MB(Number(row.tcp_Bps)), 1)} MB/s. ` +
    (atftp.length > 0
      ? `A real peer in the same run, atftp 0.8 (C, RFC 7440) at blksize ${PACKET_SIZE - 16} and the same window: ${atftp.join(', ')} MB/s.`
      : 'atftp was not available in this run, so there is no ÷ atftp column figure.')
  );
}

/** Why loopback points failed, if any did. */
export function failureLine(rows: Row[]): string {
  const failed = rows.filter((row) => row.transport === 'udp' && row.status !== 'ok');
  if (failed.length === 0) return '';
  return `Windows ${failed.map((row) => row.window).join(', ')} on loopback did not finish (${[...new Set(failed.map((row) => row.status))].join(', ')}; the limit is ${LOOPBACK_SPEC.timeLimitS} s per transfer).`;
}

export function reproduceChart(rows: Row[], color = false): string {
  const series = [
    { label: 'whohas, real loopback', transport: 'udp' },
    { label: 'whohas, simulated lan (1 Gbit/s)', transport: 'sim' },
  ].map(({ label, transport }) => ({
    label,
    points: [...byWindow(rows, transport)]
      .filter(([, row]) => row.status === 'ok')
      .map(([x, row]) => ({ x, y: MB(Number(row.throughput_Bps)) })),
  }));
  series.push({
    label: "2016 report's figures (2016 hardware)",
    points: REPORT_2016.map((entry) => ({ x: entry.window, y: MB(entry.bytesPerSecond) })),
  });
  return renderChart({
    title: `Throughput of a ${FILE_BYTES / 1e6} MB transfer vs the Go-Back-N window`,
    xLabel: 'window N (packets of 2048 bytes)',
    yLabel: 'MB/s',
    series,
    color,
    formatY: (y) => (y >= 100 ? y.toFixed(0) : y.toFixed(1)),
  });
}

export interface ReproduceOptions {
  progress?: boolean;
  color?: boolean;
  out?: string;
  log?: (line: string) => void;
}

export async function reproduce(options: ReproduceOptions = {}): Promise<Row[]> {
  const log = options.log ?? console.log;
  const out = options.out ?? REPRODUCE_CSV;
  const started = performance.now();
  log("whohas reproduce: the 2016 report's throughput experiment, again");
  log(
    `  ${FILE_BYTES / 1e6} MB file (${FILE_BYTES.toLocaleString('en-US')} bytes), ${PACKET_SIZE}-byte datagrams, Go-Back-N window ${WINDOWS[0]} to ${WINDOWS.at(-1)}`,
  );
  log('  every point is a real download: chat server, two peers, whohas and getfile, Go-Back-N');
  log(`  machine: ${machineLine()}`);
  log(`  seed ${REPRODUCE_SEED} (simulated points; replay: npm start)\n`);
  const loopback = await runSweep(LOOPBACK_SPEC, {
    label: 'loopback',
    progress: options.progress,
    workers: 0,
    onNote: (line) => {
      if (line.startsWith('measuring')) log(`  ${line}`);
    },
  });
  const simulated = await runSweep(SIMULATED_SPEC, {
    label: 'simulated',
    progress: options.progress,
  });
  const rows = [...loopback.rows, ...simulated.rows].map((row, index) => ({ ...row, index }));
  const wallSeconds = (performance.now() - started) / 1e3;
  await mkdir(dirname(out) || '.', { recursive: true });
  await writeFile(out, toCsv(rows));
  await writeProvenance(out, {
    command: out === REPRODUCE_CSV ? 'npm start' : `npx whohas reproduce --out ${out}`,
    finished: new Date().toISOString(),
    wallSeconds,
    machine: machine(),
    seed: REPRODUCE_SEED,
  });
  const html = htmlBeside(out);
  await writeReport(
    {
      rows,
      source: out,
      title: `Throughput of a ${FILE_BYTES / 1e6} MB transfer vs the Go-Back-N window`,
      provenance: await readProvenance(out),
      references: references2016(),
      ceilings: ceilingsOf(rows),
      notes: REPORT_CAVEAT,
    },
    { html },
  );
  log('');
  log(renderTable(reproduceTable(rows)));
  log(baselineLine(rows));
  for (const line of REPORT_CAVEAT) log(line);
  const failures = failureLine(rows);
  if (failures) log(failures);
  log('');
  log(reproduceChart(rows, options.color));
  log('');
  log(
    `${rows.length} transfers in ${wallSeconds.toFixed(1)} s; CSV in ${out}, charts in ${html}; results/README.md: npx tsx scripts/results-readme.ts`,
  );
  return rows;
}
