/**
 * Model validation: the simulator (real peer code, real Go-Back-N) against bench/model.ts on
 * impairment-free paths of three kinds, lossless and with i.i.d. loss 0.1 % to 10 %; then the
 * Selective Repeat rows (bench/validate-sr.ts: the SR cores on a virtual link against
 * srThroughput, until the peer runs Selective Repeat end to end).
 *
 *   npx tsx bench/validate.ts            → results/model-validation.csv (+ .json)
 *
 * Settings that make the comparison exact rather than approximate: the textbook sender the model
 * describes (fixed window N, no congestion control, recovery by timeout only), an ACK for every
 * packet (k = 1, DESIGN's formula), a fixed RTO per path (what the sender really waits after a
 * loss, no backoff), no jitter, an unlimited queue, and windows that keep the queue short.
 * The model is a steady-state rate while a transfer also opens with a START round trip (no data
 * moves until the receiver acknowledges it): 21.76 MB files keep that below 1 % on every path
 * here (with 5 MB it reached 2.4 % at 100 Mbit/s, 10 ms RTT).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { isMain } from '../harness/roles.ts';
import { HEADER_BYTES } from '../impl/arq/codec.ts';
import { UDP_OVERHEAD } from '../sim/packet.ts';
import { type PathModel, refinedGbnThroughput, type SenderModel } from './model.ts';
import { machine, writeProvenance } from './provenance.ts';
import { type Row, toCsv } from './sweep/csv.ts';
import { IDEAL_PROFILE } from './sweep/paths.ts';
import { runSweep } from './sweep/run.ts';
import { type SweepSpec, seedsFrom } from './sweep/spec.ts';
import { renderTable, type Table } from './table.ts';
import { formatPercent, formatRate } from './units.ts';
import { srChecks, srSummary, srTable } from './validate-sr.ts';

export const VALIDATION_CSV = 'results/model-validation.csv';
export const LOSSLESS_TOLERANCE = 0.02;
export const LOSSY_TOLERANCE = 0.1;

export const VALIDATION_PATHS = [
  { bandwidthBps: 1e9, delayMs: 0.1, rtoMs: 10 },
  { bandwidthBps: 100e6, delayMs: 5, rtoMs: 40 },
  { bandwidthBps: 50e6, delayMs: 20, rtoMs: 100 },
];

const base = (path: (typeof VALIDATION_PATHS)[number]): SweepSpec => ({
  transport: 'sim',
  engine: 'peer',
  profiles: [IDEAL_PROFILE],
  schemes: ['gbn'],
  windows: [],
  packetSizes: [2048],
  sizes: [],
  losses: [0],
  bursts: [1],
  delaysMs: [path.delayMs],
  jittersMs: [0],
  bandwidthsBps: [path.bandwidthBps],
  seeds: [1],
  repeat: 1,
  rto: { mode: 'fixed', ms: path.rtoMs },
  ackEvery: 1,
  timeLimitS: 60,
  congestion: 'none',
  fastRetransmit: false,
});

export function validationSpecs(): SweepSpec[] {
  const specs: SweepSpec[] = [];
  for (const path of VALIDATION_PATHS) {
    specs.push({ ...base(path), windows: [1, 2, 4, 8, 16, 32, 64], sizes: [21.76e6] });
    specs.push({
      ...base(path),
      windows: [1, 4, 16, 64],
      sizes: [21.76e6],
      losses: [0.001, 0.003, 0.01, 0.03, 0.1],
      seeds: seedsFrom(1, 6),
    });
  }
  return specs;
}

interface Check {
  path: string;
  loss: number;
  window: number;
  runs: number;
  simBps: number;
  modelBps: number;
  deviation: number;
  /** Against the refined loss charge RTO + RTT + L/C − τ (bench/model.ts). */
  refinedDeviation: number;
}

/** Mean over seeds per (path, loss, window), and the deviation sim ÷ model − 1. */
export function validationChecks(rows: Row[]): Check[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = [row.bandwidth_bps, row.delay_ms, row.loss, row.window].join('|');
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0];
    const mean = (column: keyof Row) =>
      members.reduce((sum, row) => sum + Number(row[column]), 0) / members.length;
    const simBps = mean('throughput_Bps');
    const modelBps = mean('model_Bps');
    return {
      path: `${formatRate(Number(first.bandwidth_bps))}, ${first.delay_ms} ms, RTO ${String(first.rto).replace('fixed:', '')} ms`,
      loss: Number(first.loss),
      window: Number(first.window),
      runs: members.length,
      simBps,
      modelBps,
      deviation: simBps / modelBps - 1,
      refinedDeviation: simBps / refinedGbnThroughput(...modelArgs(first)) - 1,
    };
  });
}

export function worstDeviation(checks: Check[], lossy: boolean): Check {
  return checks
    .filter((check) => check.loss > 0 === lossy)
    .reduce((worst, check) =>
      Math.abs(check.deviation) > Math.abs(worst.deviation) ? check : worst,
    );
}

export function validationTable(rows: Row[], lossy: boolean): Table {
  const tolerance = lossy ? LOSSY_TOLERANCE : LOSSLESS_TOLERANCE;
  return {
    head: [
      'path',
      'loss',
      'window',
      'runs',
      'sim MB/s',
      'model MB/s',
      'deviation',
      `within ${tolerance * 100} %`,
      ...(lossy ? ['refined model'] : []),
    ],
    rows: validationChecks(rows)
      .filter((check) => check.loss > 0 === lossy)
      .map((check) => [
        check.path,
        formatPercent(check.loss),
        check.window,
        check.runs,
        (check.simBps / 1e6).toFixed(4),
        (check.modelBps / 1e6).toFixed(4),
        pct(check.deviation),
        Math.abs(check.deviation) <= tolerance ? 'yes' : 'NO',
        ...(lossy ? [pct(check.refinedDeviation)] : []),
      ]),
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  };
}

export function summaryLines(rows: Row[]): string[] {
  const checks = validationChecks(rows);
  const lines: string[] = [];
  for (const lossy of [false, true]) {
    const worst = worstDeviation(checks, lossy);
    const tolerance = lossy ? LOSSY_TOLERANCE : LOSSLESS_TOLERANCE;
    const failing = checks.filter(
      (check) => check.loss > 0 === lossy && Math.abs(check.deviation) > tolerance,
    ).length;
    lines.push(
      `${lossy ? 'lossy' : 'lossless'}: worst deviation ${worst.deviation >= 0 ? '+' : ''}${(worst.deviation * 100).toFixed(2)} % ` +
        `(${worst.path}, loss ${formatPercent(worst.loss)}, N = ${worst.window}); ` +
        `${failing} of ${checks.filter((check) => check.loss > 0 === lossy).length} points outside ±${tolerance * 100} %`,
    );
  }
  return lines;
}

const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} %`;

/** The model's inputs rebuilt from a validation row (ACK every packet, fixed RTO). */
function modelArgs(row: Row): [PathModel, SenderModel] {
  const packetSize = Number(row.packet_size);
  return [
    {
      bandwidthBps: Number(row.bandwidth_bps),
      delayMs: Number(row.delay_ms),
      loss: Number(row.loss),
    },
    {
      window: Number(row.window),
      dataWireBytes: packetSize + UDP_OVERHEAD,
      payloadBytes: packetSize - HEADER_BYTES,
      ackWireBytes: HEADER_BYTES + UDP_OVERHEAD,
      rtoMs: Number(String(row.rto).replace('fixed:', '')),
      ackEvery: 1,
    },
  ];
}

/**
 * Where the lossy model misses, which side is wrong. The renewal formula charges every loss
 * RTO + RTT; at N = 1 the exact charge is RTO alone. If the simulator matches the exact form
 * there, the simulator is right and the formula over-charges.
 */
export function lossyFindings(rows: Row[]): string[] {
  const lossy = validationChecks(rows).filter((check) => check.loss > 0);
  const outside = lossy.filter((check) => Math.abs(check.deviation) > LOSSY_TOLERANCE);
  const stopAndWait = lossy.filter((check) => check.window === 1);
  const worst = (values: number[]) =>
    values.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
  const refinedOutside = lossy.filter(
    (check) => Math.abs(check.refinedDeviation) > LOSSY_TOLERANCE,
  );
  return [
    `${outside.length} of ${lossy.length} lossy points are outside ±${LOSSY_TOLERANCE * 100} %` +
      (outside.length > 0
        ? `: ${outside.map((check) => `${check.path}, loss ${formatPercent(check.loss)}, N = ${check.window} (${pct(check.deviation)})`).join('; ')}.`
        : '.'),
    `Which side is wrong: at N = 1 the loss charge is known exactly (a lost packet is resent RTO after it left, and its new round trip replaces the one it would have had: each loss adds RTO alone). There the renewal formula (T_loss = RTO + RTT) is off by up to ${pct(worst(stopAndWait.map((check) => check.deviation)))} and the exact form by at most ${pct(worst(stopAndWait.map((check) => check.refinedDeviation)))}, so the simulator is right and the formula over-charges each loss. ` +
      `In general a loss adds RTO + RTT + L/C − τ (the lost packet's own slot τ is already in the τ term; its timer starts at the previous ACK). That refined charge ("refined model" column) leaves ${refinedOutside.length} of ${lossy.length} points outside ±${LOSSY_TOLERANCE * 100} % (worst ${pct(worst(lossy.map((check) => check.refinedDeviation)))}); ` +
      (refinedOutside.length === 0
        ? 'the refined charge accounts for the whole gap.'
        : 'what remains is most likely the burst a timeout leaves behind: the whole window is resent back to back and the ACK clock keeps that burst, so a window-limited sender refills its pipe sooner than the renewal argument assumes, more so at high loss and long RTT.'),
  ];
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  for (const spec of validationSpecs()) {
    const result = await runSweep(spec, { label: 'validation' });
    for (const row of result.rows) rows.push({ ...row, index: rows.length });
  }
  await mkdir('results', { recursive: true });
  await writeFile(VALIDATION_CSV, toCsv(rows));
  const wallSeconds = (performance.now() - started) / 1e3;
  await writeProvenance(VALIDATION_CSV, {
    command: 'npx tsx bench/validate.ts',
    finished: new Date().toISOString(),
    wallSeconds,
    machine: machine(),
    seed: 1,
  });
  console.log(renderTable(validationTable(rows, false)));
  console.log(renderTable(validationTable(rows, true)));
  for (const line of summaryLines(rows)) console.log(line);
  for (const line of lossyFindings(rows)) console.log(line);
  console.log(`wrote ${rows.length} rows to ${VALIDATION_CSV} in ${wallSeconds.toFixed(1)} s`);
  // Selective Repeat rows: the SR cores on a virtual link against srThroughput (bench/validate-sr.ts).
  const sr = srChecks(20_000, 3);
  console.log(renderTable(srTable(sr)));
  console.log(srSummary(sr));
}

if (isMain(import.meta.url)) await main();
