/**
 * Competing flows in sweeps (issue 18, item 4): `--topology dumbbell --flows K` runs K transfers
 * at once, sender i → receiver i, across one bottleneck of rate `--bandwidth` (one-way delay
 * `--delay`) and queue `--queue` (64KB in bytes, 100p in packets: waiting packets, as ns-3
 * counts), with optional cross traffic `--cross 5Mbit` (constant bit rate) or
 * `--cross 5Mbit:100ms/100ms` (on for 100 ms, off for 100 ms). `--arq gbn,sr --mix` puts both
 * schemes in the same bottleneck (flow i runs scheme i mod 2) instead of sweeping them.
 *
 * One CSV row per point: the usual columns (throughput_Bps is the aggregate: all bytes over
 * first start to last end) plus flows, queue, cross, mix, per-flow min and max throughput, Jain's
 * fairness index over the per-flow throughputs, and the datagrams the bottleneck dropped.
 */
import type { Scheme } from '../../impl/arq/codec.ts';
import { WhohasError } from '../../impl/errors.ts';
import { parseDuration, parseRate, parseSize } from '../units.ts';
import type { Row, TopologyColumn } from './csv.ts';
import type { PointSpec } from './spec.ts';

export type QueueLimit = { bytes: number } | { packets: number };

export interface CrossTraffic {
  /** Bits per second while on. */
  rateBps: number;
  /** On/off periods, ms; 0 off: constant bit rate. */
  onMs: number;
  offMs: number;
}

/** What a sweep fixes for every point of a topology sweep. */
export interface TopologySettings {
  kind: 'dumbbell';
  flows: number[];
  queue: QueueLimit;
  cross: CrossTraffic | null;
  /** Schemes sharing the bottleneck, flow i running mix[i mod length]; null: the point's arq. */
  mix: Scheme[] | null;
}

/** One point's topology: a single flow count. */
export interface PointTopology extends Omit<TopologySettings, 'flows'> {
  flows: number;
}

/** `64KB` (bytes) or `100p` (packets). */
export function parseQueue(text: string): QueueLimit {
  const trimmed = text.trim();
  const packets = /^([0-9]+)p$/.exec(trimmed);
  if (packets) {
    const count = Number(packets[1]);
    if (count < 1) throw new WhohasError('BAD_ARGUMENT', `a queue holds at least 1 packet`);
    return { packets: count };
  }
  const bytes = parseSize(trimmed);
  if (!(bytes >= 1)) throw new WhohasError('BAD_ARGUMENT', `bad queue '${text}'`);
  return { bytes };
}

/** `5Mbit` (constant bit rate) or `5Mbit:100ms/200ms` (on 100 ms, off 200 ms, repeating). */
export function parseCross(text: string): CrossTraffic {
  const [rate, periods] = text.trim().split(':');
  const rateBps = parseRate(rate);
  if (!(rateBps > 0)) throw new WhohasError('BAD_ARGUMENT', `cross traffic rate must be > 0`);
  if (periods === undefined) return { rateBps, onMs: 0, offMs: 0 };
  const [on, off] = periods.split('/');
  if (off === undefined) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `bad on/off '${periods}' (expected on/off, e.g. 100ms/100ms)`,
    );
  }
  const onMs = parseDuration(on);
  const offMs = parseDuration(off);
  if (!(onMs > 0) || !(offMs >= 0)) {
    throw new WhohasError('BAD_ARGUMENT', `on/off periods must be > 0 and ≥ 0, got '${periods}'`);
  }
  return { rateBps, onMs, offMs };
}

export function queueLabel(queue: QueueLimit): string {
  return 'packets' in queue ? `${queue.packets}p` : `${queue.bytes}B`;
}

export function crossLabel(cross: CrossTraffic | null): string {
  if (cross === null) return '';
  const rate = `${cross.rateBps}bps`;
  return cross.onMs > 0 ? `${rate}:${cross.onMs}ms/${cross.offMs}ms` : rate;
}

/**
 * The matrix's points times the flow counts, renumbered in order. With a mix every point runs
 * all the mixed schemes at once, so the scheme is not swept: the first scheme's points stand
 * for the mix.
 */
export function expandTopology(points: PointSpec[], settings: TopologySettings): PointSpec[] {
  const kept = settings.mix === null ? points : points.filter((p) => p.arq === settings.mix![0]);
  const out: PointSpec[] = [];
  for (const point of kept) {
    for (const flows of settings.flows) {
      out.push({ ...point, index: out.length, topology: { ...settings, flows } });
    }
  }
  return out;
}

/** Jain's fairness index (Σx)² / (n Σx²): 1 when all are equal, 1/n when one takes all. */
export function jainFairness(values: number[]): number {
  const sum = values.reduce((total, x) => total + x, 0);
  const squares = values.reduce((total, x) => total + x * x, 0);
  return squares > 0 ? (sum * sum) / (values.length * squares) : 0;
}

export type TopologyRow = Row & Record<TopologyColumn, string | number>;
