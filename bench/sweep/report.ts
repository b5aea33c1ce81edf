/**
 * What a person reads after a sweep: the mean over seeds and repeats per (series, x) as a table
 * and as a chart, x being the window (or the packet size when the window is not swept) and one
 * series per loss rate, packet size or profile, whichever the sweep varies.
 */

import type { Table } from '../table.ts';
import { formatBytes, formatPercent } from '../units.ts';
import { type ChartSeries, renderChart } from './chart.ts';
import type { Row } from './csv.ts';
import { spread } from './stats.ts';

type Key =
  | 'transport'
  | 'window'
  | 'arq'
  | 'packet_size'
  | 'loss'
  | 'profile'
  | 'file_bytes'
  | 'delay_ms'
  | 'burst'
  | 'bandwidth_bps'
  | 'jitter_ms';

const SERIES_KEYS: Key[] = [
  'transport',
  'arq',
  'loss',
  'packet_size',
  'profile',
  'file_bytes',
  'delay_ms',
  'burst',
  'bandwidth_bps',
  'jitter_ms',
];

export interface Layout {
  x: Key;
  series: Key[];
}

function distinct(rows: Row[], key: Key): (string | number)[] {
  return [...new Set(rows.map((row) => row[key]))];
}

export function layoutFor(rows: Row[]): Layout {
  const x: Key =
    distinct(rows, 'window').length > 1 || distinct(rows, 'packet_size').length < 2
      ? 'window'
      : 'packet_size';
  // A key joins the series only if it splits rows the keys before it leave together: a loopback
  // run's profile, delay and bandwidth follow from its transport and would only lengthen labels.
  const series: Key[] = [];
  for (const key of SERIES_KEYS) {
    if (key === x) continue;
    const seen = new Map<string, string | number>();
    const splits = rows.some((row) => {
      const group = [x, ...series].map((k) => row[k]).join('\u0000');
      const value = seen.get(group);
      seen.set(group, value ?? row[key]);
      return value !== undefined && value !== row[key];
    });
    if (splits) series.push(key);
  }
  return { x, series };
}

export function label(key: Key, value: string | number): string {
  const n = Number(value);
  switch (key) {
    case 'transport':
      return value === 'udp' ? 'real loopback' : 'simulated';
    case 'arq':
      return String(value).toUpperCase();
    case 'loss':
      return `loss ${formatPercent(n)}`;
    case 'packet_size':
      return `${n} B packets`;
    case 'file_bytes':
      return formatBytes(n);
    case 'delay_ms':
      return `${n} ms delay`;
    case 'burst':
      return `burst ${n}`;
    case 'bandwidth_bps':
      return `${n / 1e6} Mbit/s`;
    case 'jitter_ms':
      return `jitter ${value}`;
    default:
      return String(value);
  }
}

export interface Group {
  series: string;
  x: number;
  runs: number;
  failed: number;
  meanBps: number;
  /** Sample standard deviation of the finished runs' throughput (NaN below two runs). */
  sdBps: number;
  /** Half-width of the 95 % confidence interval of the mean throughput (Student's t). */
  ciBps: number;
  modelBps: number;
  retransmits: number;
  timeouts: number;
  overUdpBlast: number;
  overTcp: number;
}

const mean = (values: number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** Means per (series, x) in first-seen order; failed runs count as failures, not as zeros. */
export function groupRows(rows: Row[], layout = layoutFor(rows)): Group[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const series = layout.series.map((key) => label(key, row[key])).join(', ') || 'all';
    const id = `${series}\u0000${row[layout.x]}`;
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  return [...groups.entries()].map(([id, members]) => {
    const ok = members.filter((row) => row.status === 'ok');
    const numbers = (column: keyof Row) =>
      ok.filter((row) => row[column] !== '').map((row) => Number(row[column]));
    const throughput = spread(numbers('throughput_Bps'));
    return {
      series: id.split('\u0000')[0],
      x: Number(members[0][layout.x]),
      runs: members.length,
      failed: members.length - ok.length,
      meanBps: throughput.mean,
      sdBps: throughput.sd,
      ciBps: throughput.ci95,
      modelBps: mean(numbers('model_Bps')),
      retransmits: mean(numbers('retransmits')),
      timeouts: mean(numbers('timeouts')),
      overUdpBlast: mean(numbers('over_udp_blast')),
      overTcp: mean(numbers('over_tcp')),
    };
  });
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
const MB = (bps: number) => fixed(bps / 1e6, 3);

export function summaryTable(rows: Row[]): Table {
  const layout = layoutFor(rows);
  const groups = groupRows(rows, layout);
  const udp = rows.some((row) => row.transport === 'udp');
  const head = [
    'series',
    layout.x === 'window' ? 'window' : 'packet size',
    'runs',
    'MB/s',
    '± sd',
    '± 95 % CI',
    udp ? '÷ UDP blast' : 'model MB/s',
    udp ? '÷ TCP' : 'sim ÷ model',
    'retransmits',
    'timeouts',
  ];
  return {
    head,
    rows: groups.map((g) => [
      g.series,
      g.x,
      g.failed > 0 ? `${g.runs} (${g.failed} failed)` : g.runs,
      MB(g.meanBps),
      MB(g.sdBps),
      MB(g.ciBps),
      udp ? fixed(g.overUdpBlast, 3) : MB(g.modelBps),
      udp ? fixed(g.overTcp, 3) : fixed(g.meanBps / g.modelBps, 3),
      fixed(g.retransmits, 0),
      fixed(g.timeouts, 0),
    ]),
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  };
}

export function sweepChart(rows: Row[], options: { title: string; color?: boolean }): string {
  const layout = layoutFor(rows);
  const bySeries = new Map<string, ChartSeries>();
  for (const group of groupRows(rows, layout)) {
    if (!Number.isFinite(group.meanBps)) continue;
    const series = bySeries.get(group.series) ?? { label: group.series, points: [] };
    series.points.push({ x: group.x, y: group.meanBps / 1e6 });
    bySeries.set(group.series, series);
  }
  return renderChart({
    title: options.title,
    xLabel: layout.x === 'window' ? 'window N (packets)' : 'packet size (bytes)',
    yLabel: 'throughput (MB/s)',
    series: [...bySeries.values()],
    color: options.color,
    formatY: (y) => (y >= 100 ? y.toFixed(0) : y >= 10 ? y.toFixed(1) : y.toFixed(2)),
  });
}
