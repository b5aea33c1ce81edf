/**
 * Evidence: what a scenario's fault must leave behind, so that a pass means "the fault happened
 * and the system coped", never "the fault did not happen". Each scenario declares the counters
 * its fault must move (`proves`), or says in words why no counter applies (`none`). The runner
 * reads the counters off the world when the fault phase ends and judges the declaration; a run
 * that passed everything else but proved nothing is `no-evidence` (exit code 4).
 *
 * Counters (the same names on the simulator and on loopback sockets):
 * - `net.lost`, `net.duplicated`, `net.corrupted`, `net.reordered`: datagrams the network (the
 *   simulator's paths, or harness/impaired.ts on real sockets) lost, duplicated, corrupted or
 *   delayed past their successors; `net.partitioned`: datagrams a partition dropped;
 *   `net.stalled`: stream segments a partition held back; `net.queueDrops`: drop-tail drops.
 * - `host.crashes`: hosts crashed on purpose.
 * - `transfer.completed`, `transfer.failed`: transfer ends seen by either side (a download is
 *   two ends: the upload and the download); from completed ends' statistics:
 *   `transfer.retransmits`, `transfer.timeouts`, `transfer.fastRetransmits`,
 *   `transfer.duplicates`, `transfer.outOfOrder`, `transfer.ignored`, `transfer.maxSrttMs`, and
 *   `transfer.maxBytes` (the largest transfer that completed).
 * - `server.cutOff`, `server.killed`, `server.refusedFull`, `server.rateLimited`,
 *   `server.badLines`: the chat servers' own statistics, summed.
 * - NAT worlds only (scenarios/world-nat.ts): `nat.*`, `relay.*`, `stun.answered`; and from
 *   completed ends that crossed NATs, `transfer.direct`, `transfer.relayed`, `punch.strangers`.
 * - `error.<CODE>`: sightings of an error code by users: `ERROR|<CODE>|` lines, `refused`
 *   replies to getfile, errors raised through the API or as peer events (one code reaching a
 *   user by two routes counts twice).
 */
import type { WhohasError } from '../impl/errors.ts';
import type { TransferEnd } from '../impl/peer/types.ts';
import type { ScenarioWorld } from './world.ts';

export type Counters = Readonly<Record<string, number>>;

/** A counter that must reach `atLeast` (a bare name: at least 1). */
export type Requirement = string | { readonly counter: string; readonly atLeast: number };

export type EvidenceSpec =
  | { readonly proves: readonly Requirement[]; readonly none?: undefined }
  | { readonly none: string; readonly proves?: undefined };

/** Counters only a network impairment (loss, duplication, corruption, reordering, partition) moves. */
export const IMPAIRMENT_COUNTERS: readonly string[] = [
  'net.lost',
  'net.duplicated',
  'net.corrupted',
  'net.reordered',
  'net.partitioned',
  'net.stalled',
];

export function proves(...requirements: Requirement[]): EvidenceSpec {
  return { proves: requirements };
}

/** `{ counter, atLeast }` for each `ERROR|<CODE>|` prefix among `expected`, counted. */
export function refusalsIn(expected: readonly string[]): Requirement[] {
  const counts = new Map<string, number>();
  for (const line of expected) {
    const code = /^ERROR\|([A-Z0-9_]+)\|/.exec(line)?.[1];
    if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].map(([code, atLeast]) => ({ counter: `error.${code}`, atLeast }));
}

function normalise(requirement: Requirement): { counter: string; atLeast: number } {
  return typeof requirement === 'string' ? { counter: requirement, atLeast: 1 } : requirement;
}

/** True when only a network impairment could produce the declared evidence. */
export function dependsOnImpairment(spec: EvidenceSpec | undefined): boolean {
  return (spec?.proves ?? []).some((r) => IMPAIRMENT_COUNTERS.includes(normalise(r).counter));
}

export interface Verdict {
  readonly ok: boolean;
  /** One line: what was proved, or what is missing. */
  readonly text: string;
}

/** Judges a declaration against the counters a run left. */
export function judgeEvidence(spec: EvidenceSpec | undefined, counters: Counters): Verdict {
  if (spec === undefined || (spec.proves === undefined && spec.none === undefined)) {
    return { ok: false, text: 'the scenario declares no evidence (proves or none)' };
  }
  if (spec.none !== undefined) {
    return spec.none.trim() === ''
      ? { ok: false, text: 'the scenario declares no evidence without saying why' }
      : { ok: true, text: `no counter applies: ${spec.none}` };
  }
  if (spec.proves.length === 0) return { ok: false, text: 'the scenario proves an empty list' };
  const found: string[] = [];
  const missing: string[] = [];
  for (const { counter, atLeast } of spec.proves.map(normalise)) {
    const value = counters[counter] ?? 0;
    if (value >= atLeast) found.push(`${counter}=${value}`);
    else missing.push(`${counter}=${value} (needs >= ${atLeast})`);
  }
  return missing.length === 0
    ? { ok: true, text: `proved: ${found.join(', ')}` }
    : { ok: false, text: `no evidence of the fault: ${missing.join(', ')}` };
}

/** What a world holds that counters are read from (see world.ts). */
export interface EvidenceSources {
  readonly transcripts: ReadonlyArray<{ readonly lines: readonly string[] }>;
  readonly userErrors: readonly unknown[];
  readonly peerErrors: readonly WhohasError[];
  readonly transfers: readonly TransferEnd[];
  readonly crashes: number;
  readonly serverStats: ReadonlyArray<{
    readonly cutOff: number;
    readonly killed: number;
    readonly refusedFull: number;
    readonly linesRateLimited: number;
    readonly badLines: number;
  }>;
  /** The network's own counters (`net.*`), from the backend. */
  readonly network: Counters;
}

type Tally = Record<string, number>;

const add = (tally: Tally, name: string, n = 1) => {
  tally[name] = (tally[name] ?? 0) + n;
};

/** Where the fault phase ended: what came after it (recovery, probes) is no evidence. */
export interface FaultMark {
  readonly network: Counters;
  readonly serverStats: EvidenceSources['serverStats'];
  readonly transcriptLines: readonly number[];
  readonly userErrors: number;
  readonly peerErrors: number;
  readonly crashes: number;
}

/** Call when the fault phase ends, before healing. */
export function markFaultEnd(world: ScenarioWorld): FaultMark {
  return {
    network: world.counters(),
    serverStats: world.servers.map((record) => ({ ...record.server.stats })),
    transcriptLines: world.transcripts.map((t) => t.lines.length),
    userErrors: world.userErrors.length,
    peerErrors: world.peerErrors.length,
    crashes: world.crashes,
  };
}

/**
 * The fault phase's counters: everything up to `mark`, plus the ends of transfers that started
 * under the fault, whenever they ended (an upload's end, with the sender's statistics, often
 * comes just after the download's). Without a mark (the run failed under the fault), all so far.
 */
export function readEvidence(world: ScenarioWorld, mark?: FaultMark): Counters {
  const transfers = world.transfers.filter((t) => t.underFault).map((t) => t.end);
  if (mark === undefined) {
    return collectEvidence({
      transcripts: world.transcripts,
      userErrors: world.userErrors,
      peerErrors: world.peerErrors,
      transfers,
      crashes: world.crashes,
      serverStats: world.servers.map((record) => record.server.stats),
      network: world.counters(),
    });
  }
  return collectEvidence({
    ...mark,
    transcripts: world.transcripts.map((t, i) => ({
      lines: t.lines.slice(0, mark.transcriptLines[i] ?? 0),
    })),
    userErrors: world.userErrors.slice(0, mark.userErrors),
    peerErrors: world.peerErrors.slice(0, mark.peerErrors),
    transfers,
  });
}

/** Every counter, read now; sorted by name so reports are stable. */
export function collectEvidence(world: EvidenceSources): Counters {
  const tally: Tally = { ...world.network };
  add(tally, 'host.crashes', world.crashes);
  for (const stats of world.serverStats) {
    add(tally, 'server.cutOff', stats.cutOff);
    add(tally, 'server.killed', stats.killed);
    add(tally, 'server.refusedFull', stats.refusedFull);
    add(tally, 'server.rateLimited', stats.linesRateLimited);
    add(tally, 'server.badLines', stats.badLines);
  }
  for (const { lines } of world.transcripts) {
    for (const line of lines) {
      const code = errorCodeOf(line);
      if (code !== undefined) add(tally, `error.${code}`);
    }
  }
  for (const error of [...world.userErrors, ...world.peerErrors]) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') add(tally, `error.${code}`);
  }
  tallyTransfers(tally, world.transfers);
  return Object.fromEntries(Object.entries(tally).sort(([a], [b]) => a.localeCompare(b)));
}

/** `ERROR|<CODE>|...`, or a getfile refusal `#owner|refused|<file>|<id>|<CODE>|...`. */
function errorCodeOf(line: string): string | undefined {
  if (line.startsWith('ERROR|')) return /^ERROR\|([A-Z0-9_]+)\|/.exec(line)?.[1];
  const fields = line.split('|');
  if (line.startsWith('#') && fields[1] === 'refused' && /^[A-Z0-9_]+$/.test(fields[4] ?? '')) {
    return fields[4];
  }
  return undefined;
}

function tallyTransfers(tally: Tally, ends: readonly TransferEnd[]): void {
  add(tally, 'transfer.completed', 0);
  add(tally, 'transfer.failed', 0);
  for (const end of ends) {
    if (end.error !== undefined || end.stats === undefined) {
      add(tally, 'transfer.failed');
      continue;
    }
    const stats = end.stats;
    add(tally, 'transfer.completed');
    // Across NATs (scenarios/nat.ts): which path carried it, and what its hole punching met.
    if (end.route !== undefined)
      add(tally, end.route === 'relay' ? 'transfer.relayed' : 'transfer.direct');
    if (end.nat !== undefined) add(tally, 'punch.strangers', end.nat.strangers);
    add(tally, 'transfer.retransmits', stats.retransmits);
    add(tally, 'transfer.timeouts', stats.timeouts);
    add(tally, 'transfer.fastRetransmits', stats.fastRetransmits);
    add(tally, 'transfer.duplicates', stats.duplicates);
    add(tally, 'transfer.outOfOrder', stats.outOfOrder);
    add(tally, 'transfer.ignored', stats.ignored);
    tally['transfer.maxBytes'] = Math.max(tally['transfer.maxBytes'] ?? 0, stats.bytes);
    if (Number.isFinite(stats.srttMs)) {
      tally['transfer.maxSrttMs'] = Math.max(
        tally['transfer.maxSrttMs'] ?? 0,
        Math.round(stats.srttMs),
      );
    }
  }
}
