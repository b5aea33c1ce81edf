/**
 * Parsing of the values a sweep takes on the command line. Pure functions; every failure is a
 * WhohasError('BAD_ARGUMENT') whose message names the bad text and shows what is accepted.
 *
 * Sizes (bytes): `2048`, `512k` (SI, 512 000), `21.76MB` (21 760 000), `64KiB`, `1GiB` (IEC, 2^30).
 * Rates (bits per second): `1e9`, `100Mbit`, `1Gbit`, `10Mbps`; bytes per second with a `B/s`
 * suffix: `125MB/s` = 1Gbit.
 * Durations (milliseconds): `10ms`, `1.5s`, `250us`; a bare number is milliseconds.
 * Probabilities: `0.01` or `1%`.
 * Lists and ranges of any of these: `1,2,4`; `1..256` (doubling: 1 2 4 ... 256); `1..256x4`
 * (multiplying by 4); `0..100+25` (adding 25: 0 25 50 75 100); items combine: `1..8,100`.
 */
import { WhohasError } from '../impl/errors.ts';

export type Parse = (text: string) => number;

const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const IEC: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

const NUMBER = '([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)';

function bad(kind: string, text: string, accepted: string): never {
  throw new WhohasError('BAD_ARGUMENT', `bad ${kind} '${text}' (accepted: ${accepted})`);
}

function multiplier(prefix: string): number | undefined {
  return IEC[prefix] ?? SI[prefix];
}

/** A file or packet size in bytes, a whole number. */
export const parseSize: Parse = (text) => {
  const accepted = '2048, 512k, 21.76MB, 64KiB, 1GiB';
  const match = new RegExp(`^${NUMBER}\\s*([kKMGT]i?)?(B|bytes?)?$`).exec(text.trim());
  if (!match) bad('size', text, accepted);
  const scale = multiplier(match[2] ?? '');
  if (scale === undefined) bad('size', text, accepted);
  const bytes = Number(match[1]) * scale;
  // 21.76 * 1e6 is 21760000.000000004 in binary floating point: round what is meant to be whole.
  const whole = Math.round(bytes);
  if (Math.abs(bytes - whole) > 1e-6 * Math.max(1, bytes)) bad('size', text, 'whole bytes');
  return whole;
};

/** A link rate in bits per second. */
export const parseRate: Parse = (text) => {
  const accepted = '1e9, 100Mbit, 1Gbit, 10Mbps, 125MB/s';
  const match = new RegExp(`^${NUMBER}\\s*([kKMGT]i?)?(bit/s|bits?|bps|B/s|Bps)?$`).exec(
    text.trim(),
  );
  if (!match) bad('rate', text, accepted);
  const scale = multiplier(match[2] ?? '');
  if (scale === undefined) bad('rate', text, accepted);
  const perByte = match[3] === 'B/s' || match[3] === 'Bps' ? 8 : 1;
  return Number(match[1]) * scale * perByte;
};

/** A duration in milliseconds. */
export const parseDuration: Parse = (text) => {
  const match = new RegExp(`^${NUMBER}\\s*(us|µs|ms|s)?$`).exec(text.trim());
  if (!match) bad('duration', text, '10ms, 1.5s, 250us, 10 (ms)');
  const scale = { us: 1e-3, µs: 1e-3, ms: 1, s: 1e3 }[match[2] ?? 'ms'] ?? 1;
  return Number(match[1]) * scale;
};

/** A probability in [0, 1]: `0.01` or `1%`. */
export const parseProbability: Parse = (text) => {
  const match = new RegExp(`^${NUMBER}\\s*(%)?$`).exec(text.trim());
  if (!match) bad('probability', text, '0.01, 1%');
  const value = Number(match[1]) / (match[2] ? 100 : 1);
  if (value > 1) bad('probability', text, 'at most 1 (100%)');
  return value;
};

/** A positive whole number (window, seed count, repeat). */
export const parseCount: Parse = (text) => {
  const value = Number(text.trim());
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    bad('count', text, 'a whole number ≥ 1');
  }
  return value;
};

/** A whole number ≥ 0 (seed). */
export const parseSeed: Parse = (text) => {
  const value = Number(text.trim());
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(value) || value > 0xffffffff) {
    bad('seed', text, 'a whole number from 0 to 4294967295');
  }
  return value;
};

/** A plain number (burst length in packets). */
export const parseNumber: Parse = (text) => {
  const match = new RegExp(`^${NUMBER}$`).exec(text.trim());
  if (!match) bad('number', text, '1, 2.5');
  return Number(match[1]);
};

/** At most this many values from one range: a typo like `1..1e9+1` fails fast. */
const MAX_RANGE = 10_000;

/**
 * A comma-separated list of values and ranges, each endpoint parsed by `parse`.
 * Values keep the order written; duplicates are dropped.
 */
export function parseList(text: string, parse: Parse): number[] {
  const values: number[] = [];
  for (const item of text.split(',')) {
    if (item.trim() === '') bad('list', text, '1,2,4 or 1..256 or 1..256x4 or 0..100+25');
    for (const value of parseItem(item.trim(), parse)) {
      if (!values.includes(value)) values.push(value);
    }
  }
  return values;
}

function parseItem(item: string, parse: Parse): number[] {
  const dots = item.indexOf('..');
  if (dots < 0) return [parse(item)];
  const start = parse(item.slice(0, dots));
  const rest = item.slice(dots + 2);
  // A factor is a bare number (x4); an additive step has the endpoints' unit (+2%, +10ms), so
  // it goes through the same parser and a step in the wrong unit is refused, not misread.
  const step = /^(.*?)(?:([x*])([0-9]*\.?[0-9]+)|\+(.+))?$/.exec(rest);
  if (!step) bad('range', item, '1..256, 1..256x4, 0..100+25');
  const end = parse(step[1]);
  const op = step[4] !== undefined ? '+' : (step[2] ?? 'x');
  const by = step[4] !== undefined ? parse(step[4]) : Number(step[3] ?? 2);
  if (end < start) bad('range', item, 'start ≤ end');
  const values: number[] = [];
  if (op === '+') {
    if (!(by > 0)) bad('range', item, 'a step > 0');
    for (let i = 0; start + i * by <= end * (1 + 1e-12); i++) {
      values.push(tidy(start + i * by));
      if (values.length > MAX_RANGE) bad('range', item, `at most ${MAX_RANGE} values`);
    }
  } else {
    if (!(start > 0) || !(by > 1)) bad('range', item, 'start > 0 and a factor > 1');
    for (let value = start; value <= end * (1 + 1e-12); value *= by) {
      values.push(tidy(value));
      if (values.length > MAX_RANGE) bad('range', item, `at most ${MAX_RANGE} values`);
    }
  }
  return values;
}

/** Repeated float steps drift (0.1 + 0.2): keep 12 significant digits. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** Human-readable forms for tables and charts. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${trim(bytes / 1e9)} GB`;
  if (bytes >= 1e6) return `${trim(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${trim(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

export function formatRate(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1e9) return `${trim(bitsPerSecond / 1e9)} Gbit/s`;
  if (bitsPerSecond >= 1e6) return `${trim(bitsPerSecond / 1e6)} Mbit/s`;
  if (bitsPerSecond >= 1e3) return `${trim(bitsPerSecond / 1e3)} kbit/s`;
  return `${trim(bitsPerSecond)} bit/s`;
}

export function formatPercent(probability: number): string {
  return `${trim(probability * 100)} %`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(4)));
}
