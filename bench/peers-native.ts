/**
 * bench/peers.ts --native: whohas on each send path in the same rounds (node:dgram alone, the
 * native addon's sendmmsg, its UDP GSO), with the CPU time of both processes and the sender's
 * send system calls per MB; the lines and CSV columns for them.
 */
import { medianOf } from './source-file.ts';
import type { Table } from './table.ts';

export const SEND_PATHS = ['dgram', 'sendmmsg', 'gso'] as const;
export type SendPath = (typeof SEND_PATHS)[number];
/** The key of the N = 16, 2048-byte figure among the windows' (which are ≥ 1). */
export const KEY_2016 = 0;

/** One whohas transfer's figures. */
export interface WarmRun {
  bps: number;
  /** CPU milliseconds per MB, both processes. */
  cpuMsPerMb: number;
  /** The sender's sendmsg-family system calls per MB. */
  sendCallsPerMb: number;
}

/** One path's figures in a round, by window (KEY_2016: N = 16 at 2048 B). */
export interface PathRound {
  bps: Record<number, number>;
  cpuMsPerMb: Record<number, number>;
  sendCallsPerMb: Record<number, number>;
}

interface Round {
  blastBps: number;
  atftpBps: Record<number, number>;
  paths?: Record<SendPath, PathRound>;
}

/** The list rotated by `by` (round 1 starts with dgram, round 2 with sendmmsg, ...). */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = (by - 1) % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

const mb = (bps: number) => (bps / 1e6).toFixed(1);
const label = (key: number) => (key === KEY_2016 ? 'N=16 2048 B' : `N=${key}`);

export function nativeRoundLine(round: Round, windows: number[]): string {
  const keys = [...windows, KEY_2016];
  return SEND_PATHS.map((path) => {
    const p = round.paths![path];
    const figures = keys.map((key) => {
      const ratio =
        key === KEY_2016
          ? `${(p.bps[key] / round.blastBps).toFixed(2)}x blast`
          : `${(p.bps[key] / round.atftpBps[key]).toFixed(2)}x atftp`;
      return `${label(key)} ${mb(p.bps[key])} (${ratio}, ${p.cpuMsPerMb[key].toFixed(1)} CPU ms/MB, ${p.sendCallsPerMb[key].toFixed(0)} sends/MB)`;
    });
    return `  ${path}: ${figures.join('; ')}`;
  }).join('\n');
}

export function summarizeNative(all: Round[], windows: number[], block: number): void {
  const median = (pick: (round: Round) => number) => medianOf(all.map(pick));
  console.log(
    '  by send path, same rounds (whohas MB/s; ratio; ÷ the dgram path; CPU ms/MB both sides; sender send calls/MB):',
  );
  for (const key of [...windows, KEY_2016]) {
    const base = key === KEY_2016 ? 'blast' : 'atftp';
    const of = (r: Round) => (key === KEY_2016 ? r.blastBps : r.atftpBps[key]);
    const parts = SEND_PATHS.map((path) => {
      const p = (r: Round) => r.paths![path];
      return (
        `${path} ${mb(median((r) => p(r).bps[key]))} MB/s, ÷ ${base} ${median((r) => p(r).bps[key] / of(r)).toFixed(2)}, ` +
        `÷ dgram ${median((r) => p(r).bps[key] / r.paths!.dgram.bps[key]).toFixed(2)}, ` +
        `${median((r) => p(r).cpuMsPerMb[key]).toFixed(1)} CPU ms/MB, ${median((r) => p(r).sendCallsPerMb[key]).toFixed(0)} sends/MB`
      );
    });
    const what = key === KEY_2016 ? 'N=16, 2048-byte datagrams' : `N=${key}, ${block}-byte blocks`;
    console.log(`    ${what}:\n      ${parts.join('\n      ')}`);
  }
}

export function nativeColumns(round: Round, windows: number[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const path of SEND_PATHS) {
    const p = round.paths![path];
    for (const key of [...windows, KEY_2016]) {
      const name = `${path}_${key === KEY_2016 ? 'n16_2048' : `w${key}`}`;
      const of = key === KEY_2016 ? round.blastBps : round.atftpBps[key];
      out[`${name}_Bps`] = Math.round(p.bps[key]);
      out[`${name}_over_${key === KEY_2016 ? 'blast' : 'atftp'}`] = (p.bps[key] / of).toFixed(3);
      out[`${name}_cpu_ms_per_MB`] = p.cpuMsPerMb[key].toFixed(2);
      out[`${name}_sends_per_MB`] = p.sendCallsPerMb[key].toFixed(1);
    }
  }
  return out;
}

/** results/native-send.csv as a table: per figure and send path, the medians over rounds. */
export function nativeSendTable(rows: Array<Record<string, string | number>>): Table {
  const keys = [
    ...new Set(
      Object.keys(rows[0] ?? {}).flatMap((column) => {
        const match = /^dgram_(w\d+|n16_2048)_Bps$/.exec(column);
        return match ? [match[1]] : [];
      }),
    ),
  ];
  const median = (column: string) => medianOf(rows.map((row) => Number(row[column])));
  return {
    head: [
      'transfer',
      'send path',
      'MB/s',
      'ratio (same round)',
      '÷ dgram path',
      'CPU ms/MB, both sides',
      'sender send calls/MB',
    ],
    rows: keys.flatMap((key) =>
      SEND_PATHS.map((path) => {
        const over = key === 'n16_2048' ? 'blast' : 'atftp';
        const name = `${path}_${key}`;
        return [
          key === 'n16_2048' ? 'N=16, 2048 B' : `N=${key.slice(1)}, 1444 B`,
          path,
          Number((median(`${name}_Bps`) / 1e6).toFixed(1)),
          `${median(`${name}_over_${over}`).toFixed(2)} × ${over}`,
          Number(
            medianOf(
              rows.map((row) => Number(row[`${name}_Bps`]) / Number(row[`dgram_${key}_Bps`])),
            ).toFixed(2),
          ),
          Number(median(`${name}_cpu_ms_per_MB`).toFixed(1)),
          Number(median(`${name}_sends_per_MB`).toFixed(0)),
        ];
      }),
    ),
  };
}
