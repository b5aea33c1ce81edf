/**
 * One CSV row per run, through csv-stringify. Simulated rows hold no wall-clock figure, so the
 * same seed writes the same bytes. `whohas merge` and `whohas report` read sweep CSVs back
 * through csv-parse; merge joins shards in matrix order.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { WhohasError } from '../../impl/errors.ts';

export const COLUMNS = [
  'index',
  'transport',
  'engine',
  'arq',
  'profile',
  'window',
  'packet_size',
  'file_bytes',
  'loss',
  'burst',
  'delay_ms',
  'jitter_ms',
  'bandwidth_bps',
  'rto',
  'congestion',
  'fast_retransmit',
  'seed',
  'repeat',
  'status',
  'seconds',
  'throughput_Bps',
  'packets_sent',
  'retransmits',
  'timeouts',
  'srtt_ms',
  'model_Bps',
  'over_model',
  'udp_blast_Bps',
  'tcp_Bps',
  'over_udp_blast',
  'over_tcp',
  'udp_blast_callbacks_Bps',
  'atftp_Bps',
  'over_atftp',
] as const;

export type Column = (typeof COLUMNS)[number];
export type Row = Record<Column, string | number>;

/** Fixed significant digits: stable text, no float noise in diffs. */
export function round(value: number, digits = 9): number | string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '' : String(value);
  return Number(value.toPrecision(digits));
}

export function toCsv(rows: Row[]): string {
  return stringify(
    rows.map((row) => COLUMNS.map((column) => row[column])),
    { header: true, columns: [...COLUMNS] },
  );
}

/** Parses one of our CSVs (csv-parse: header first, RFC 4180 quoting, \n or \r\n). */
export function parseCsv(text: string): { header: string[]; records: string[][] } {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n'] });
  } catch (error) {
    throw new WhohasError('BAD_ARGUMENT', `not a CSV: ${(error as Error).message}`);
  }
  const header = records.shift();
  if (!header) throw new WhohasError('BAD_ARGUMENT', 'empty CSV');
  return { header, records };
}

/** Rows of one of our CSVs, as the sweep wrote them (values as text). */
export function readRows(text: string): Row[] {
  const { header, records } = parseCsv(text);
  return records.map((record) => {
    const row = {} as Row;
    header.forEach((column, i) => {
      (row as Record<string, string>)[column] = record[i] ?? '';
    });
    return row;
  });
}

export interface MergeInput {
  name: string;
  text: string;
}

/**
 * Joins sweep CSVs (shards of one matrix) in index order. All must share one header; an index
 * seen twice is an error (two shards overlapped), and gaps are reported so a missing shard shows.
 */
export function mergeCsv(inputs: MergeInput[]): { csv: string; rows: number; missing: number[] } {
  if (inputs.length === 0) throw new WhohasError('BAD_ARGUMENT', 'nothing to merge');
  let header: string[] | undefined;
  const byIndex = new Map<number, { record: string[]; from: string }>();
  for (const input of inputs) {
    const parsed = parseCsv(input.text);
    if (header === undefined) header = parsed.header;
    else if (parsed.header.join(',') !== header.join(',')) {
      throw new WhohasError('BAD_ARGUMENT', `${input.name}: columns differ from ${inputs[0].name}`);
    }
    const column = parsed.header.indexOf('index');
    if (column < 0) throw new WhohasError('BAD_ARGUMENT', `${input.name}: no 'index' column`);
    for (const record of parsed.records) {
      const index = Number(record[column]);
      if (!Number.isInteger(index) || index < 0) {
        throw new WhohasError('BAD_ARGUMENT', `${input.name}: bad index '${record[column]}'`);
      }
      const previous = byIndex.get(index);
      if (previous) {
        throw new WhohasError(
          'BAD_ARGUMENT',
          `row ${index} is in both ${previous.from} and ${input.name}: overlapping shards`,
        );
      }
      byIndex.set(index, { record, from: input.name });
    }
  }
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const last = indexes.at(-1) ?? -1;
  const missing: number[] = [];
  for (let i = 0; i <= last; i++) if (!byIndex.has(i)) missing.push(i);
  const records = indexes.map((index) => byIndex.get(index)!.record);
  const csv = stringify(records, { header: true, columns: header! });
  return { csv, rows: records.length, missing };
}
