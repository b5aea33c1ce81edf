/**
 * Throughput across real NATs (network namespaces, harness/netns.ts; root only): `whohas get`
 * of one file between two `whohas` peers, all processes real, in four networks built in turn
 * within each round:
 *   same-lan      both peers on the public segment, no NAT (the baseline),
 *   cone          each behind its own cone NAT (masquerade): hole punched, direct,
 *   relay-capped  each behind a symmetric NAT (masquerade random): through the server's relay at
 *                 its default --relay-bandwidth (10 MB/s),
 *   relay         the same with the cap raised (--relay-bandwidth, default 1 GB/s).
 * The throughput is the download's own (stats.throughputBps: the file's bytes over the time from
 * the first request to the file committed, punching included); ratios are to same-lan in the
 * same round. Beside it, the data path's rate (the owner's upload rate per request: punching
 * left out). Prints the load average beside every row.
 *
 *   npx tsx bench/nat-netns.ts [--mb 50] [--rounds 1] [--relay-bandwidth 1000000000]
 *                              [--csv results/nat-netns.csv]
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { type NatKind, netnsUnavailableReason } from '../harness/netns.ts';
import { startNetnsTransfer } from '../harness/netns-transfer.ts';
import { isMain } from '../harness/roles.ts';
import { writeBenchProvenance } from './provenance.ts';
import { medianOf } from './source-file.ts';
import type { Table } from './table.ts';

interface Setup {
  name: string;
  kinds: [NatKind, NatKind];
  server: string[];
}

export interface NetnsRow {
  round: number;
  setup: string;
  path: string;
  pairKind: string;
  relayBandwidthBps: number | undefined;
  bytes: number;
  seconds: number;
  throughputBps: number;
  overSameLan: number;
  dataPathBps: number;
  dataPathOverSameLan: number;
  loadAverage: number;
}

const mb = (bps: number) => (bps / 1e6).toFixed(2);

export const NAT_NETNS_CSV = 'results/nat-netns.csv';

/** The results README's table: one line per row of the CSV (scripts/results-readme.ts). */
export function netnsTable(rows: ReadonlyArray<Record<string, string | number>>): Table {
  const cap = (row: Record<string, string | number>) =>
    row.relay_bandwidth_Bps === '' ? '' : `${mb(Number(row.relay_bandwidth_Bps))} MB/s`;
  return {
    head: [
      'round',
      'setup',
      'path',
      'pair',
      'relay cap',
      'download MB/s',
      '÷ same-lan',
      'data path MB/s',
      '÷ same-lan',
      'load',
    ],
    rows: rows.map((row) => [
      Number(row.round),
      String(row.setup),
      String(row.path),
      String(row.pair_kind),
      cap(row),
      mb(Number(row.throughput_Bps)),
      Number(row.over_same_lan).toFixed(3),
      mb(Number(row.data_path_Bps)),
      Number(row.data_path_over_same_lan).toFixed(3),
      Number(row.load_average).toFixed(2),
    ]),
  };
}

export function setups(relayBandwidth: number): Setup[] {
  return [
    { name: 'same-lan', kinds: ['none', 'none'], server: [] },
    { name: 'cone', kinds: ['cone', 'cone'], server: [] },
    { name: 'relay-capped', kinds: ['symmetric', 'symmetric'], server: [] },
    {
      name: 'relay',
      kinds: ['symmetric', 'symmetric'],
      server: ['--relay-bandwidth', String(relayBandwidth)],
    },
  ];
}

async function once(setup: Setup, data: Buffer, sha256: string) {
  const world = await startNetnsTransfer(setup.kinds, { blob: data }, { server: setup.server });
  try {
    const get = world.get('blob');
    const exit = await get.exited;
    const report = JSON.parse(get.stdout[0] ?? '{}');
    if (exit.code !== 0 || report.ok !== true) throw new Error(`${setup.name}: ${get.output()}`);
    const saved = await readFile(report.saved);
    if (createHash('sha256').update(saved).digest('hex') !== sha256) {
      throw new Error(`${setup.name}: the file arrived different`);
    }
    const result = report as {
      path: string;
      pair?: { kind: string };
      stats: { bytes: number; seconds: number; throughputBps: number };
    };
    return { ...result, dataPathBps: dataPathRate(world.owner.stdout) };
  } finally {
    await world.close();
  }
}

/**
 * The data path's own rate, punching and chunk requests left out: the owner logs each upload
 * (`upload done: blob: 1.05 MB to fetcher1 in ..., 26.02 MB/s, ...`); bytes over the sum of
 * each upload's bytes ÷ rate. The tree upload is left out (a few bytes).
 */
export function dataPathRate(ownerLines: readonly string[]): number {
  let megabytes = 0;
  let seconds = 0;
  for (const line of ownerLines) {
    const match = /^upload done: \S+: ([\d.]+) MB to \S+ in [\d.]+ s, ([\d.]+) MB\/s/.exec(line);
    if (!match || Number(match[1]) < 0.01 || Number(match[2]) === 0) continue;
    megabytes += Number(match[1]);
    seconds += Number(match[1]) / Number(match[2]);
  }
  return (megabytes * 1e6) / seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
      'relay-bandwidth': { type: 'string', default: '1000000000' },
      csv: { type: 'string' },
    },
  });
  const unavailable = netnsUnavailableReason();
  if (unavailable) {
    console.error(`bench/nat-netns: ${unavailable}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const bytes = Math.round(Number(values.mb) * 1e6);
  const relayBandwidth = Number(values['relay-bandwidth']);
  const data = randomBytes(bytes);
  const sha256 = createHash('sha256').update(data).digest('hex');
  console.log(
    `${mb(bytes)} MB by whohas get across namespaces, ${values.rounds} round(s); load average at start ${loadavg()[0].toFixed(2)}`,
  );
  const rows: NetnsRow[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    let sameLan = Number.NaN;
    let sameLanData = Number.NaN;
    for (const setup of setups(relayBandwidth)) {
      const report = await once(setup, data, sha256);
      if (setup.name === 'same-lan') {
        sameLan = report.stats.throughputBps;
        sameLanData = report.dataPathBps;
      }
      const bandwidth = setup.server[1];
      const row: NetnsRow = {
        round,
        setup: setup.name,
        path: report.path,
        pairKind: report.pair?.kind ?? '',
        relayBandwidthBps: setup.kinds[0] === 'symmetric' ? Number(bandwidth ?? 10e6) : undefined,
        bytes: report.stats.bytes,
        seconds: report.stats.seconds,
        throughputBps: report.stats.throughputBps,
        overSameLan: report.stats.throughputBps / sameLan,
        dataPathBps: report.dataPathBps,
        dataPathOverSameLan: report.dataPathBps / sameLanData,
        loadAverage: loadavg()[0],
      };
      rows.push(row);
      console.log(
        `round ${round} ${setup.name.padEnd(12)} ${row.path.padEnd(6)} ${(row.pairKind || '-').padEnd(9)} ` +
          `${mb(row.throughputBps)} MB/s in ${row.seconds.toFixed(2)} s, ${row.overSameLan.toFixed(3)} of same-lan; ` +
          `data path ${mb(row.dataPathBps)} MB/s, ${row.dataPathOverSameLan.toFixed(3)} of same-lan's` +
          `${row.relayBandwidthBps ? `, relay cap ${mb(row.relayBandwidthBps)} MB/s` : ''}; load ${row.loadAverage.toFixed(2)}`,
      );
    }
  }
  console.log(`\nmedians over ${values.rounds} round(s):`);
  for (const setup of setups(relayBandwidth)) {
    const mine = rows.filter((row) => row.setup === setup.name);
    console.log(
      `  ${setup.name.padEnd(12)} ${mb(medianOf(mine.map((r) => r.throughputBps)))} MB/s, ` +
        `${medianOf(mine.map((r) => r.overSameLan)).toFixed(3)} of same-lan; data path ` +
        `${mb(medianOf(mine.map((r) => r.dataPathBps)))} MB/s, ${medianOf(mine.map((r) => r.dataPathOverSameLan)).toFixed(3)} of same-lan's`,
    );
  }
  if (values.csv) {
    await writeFile(values.csv, stringify(rows.map(csvRow), { header: true }));
    await writeBenchProvenance(values.csv, 'bench/nat-netns.ts', started);
  }
}

function csvRow(row: NetnsRow) {
  return {
    round: row.round,
    setup: row.setup,
    path: row.path,
    pair_kind: row.pairKind,
    relay_bandwidth_Bps: row.relayBandwidthBps ?? '',
    bytes: row.bytes,
    seconds: row.seconds.toFixed(3),
    throughput_Bps: Math.round(row.throughputBps),
    over_same_lan: row.overSameLan.toFixed(3),
    data_path_Bps: Math.round(row.dataPathBps),
    data_path_over_same_lan: row.dataPathOverSameLan.toFixed(3),
    load_average: row.loadAverage.toFixed(2),
  };
}

if (isMain(import.meta.url)) await main();
