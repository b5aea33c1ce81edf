/** How transfers are told on the command line: one summary line, or plain JSON fields. */

import type { TransferStats } from '../impl/arq/stats.ts';
import type { WhohasError } from '../impl/errors.ts';
import type { AttemptFailure, DownloadResult, TransferEnd } from '../impl/peer/index.ts';

/** Megabytes are SI (10^6 bytes), as the 2016 report's 21.76 MB and 1.04 MB/s are. */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

export function summaryLine(
  file: string,
  peer: string,
  direction: 'from' | 'to',
  stats: TransferStats,
): string {
  const rtt =
    Number.isFinite(stats.srttMs) && stats.srttMs > 0 ? `, srtt ${stats.srttMs.toFixed(2)} ms` : '';
  return (
    `${file}: ${megabytes(stats.bytes)} MB ${direction} ${peer} in ${stats.seconds.toFixed(2)} s, ` +
    `${megabytes(stats.throughputBps)} MB/s, ${stats.retransmits} retransmissions, ` +
    `${stats.timeouts} timeouts${rtt}`
  );
}

/**
 * Which way a transfer went, for people: `via relay`, `direct 203.0.113.5:51234 (reflexive)`;
 * undefined without NAT traversal (--no-nat: the address in getfile, as in 2016).
 */
export function routeText(transfer: Pick<DownloadResult, 'route' | 'pair'>): string | undefined {
  if (transfer.route === 'relay') return 'via relay';
  if (transfer.route !== 'direct') return undefined;
  return transfer.pair ? `direct ${transfer.pair.remote} (${transfer.pair.kind})` : 'direct';
}

/** `, via relay` / `, direct ADDR:PORT (kind)` after a summary, or nothing. */
function routeSuffix(transfer: Pick<DownloadResult, 'route' | 'pair'>): string {
  const text = routeText(transfer);
  return text ? `, ${text}` : '';
}

/** The line for a finished upload or download, as the console prints it. */
export function transferEndLine(end: TransferEnd): string {
  const direction = end.direction === 'upload' ? 'to' : 'from';
  if (end.stats && !end.error) {
    const where = end.path ? ` -> ${end.path}` : '';
    return `${end.direction} done: ${summaryLine(end.file, end.user, direction, end.stats)}${routeSuffix(end)}${where}`;
  }
  return `${end.direction} of ${end.file} ${direction} ${end.user} failed: ${end.error?.code} ${end.error?.message}`;
}

/** A summary line with the route after it (`..., via relay`). */
export function routedSummary(
  file: string,
  peer: string,
  direction: 'from' | 'to',
  transfer: Pick<DownloadResult, 'route' | 'pair' | 'stats'>,
): string {
  return `${summaryLine(file, peer, direction, transfer.stats)}${routeSuffix(transfer)}`;
}

export function statsJson(stats: TransferStats): Record<string, number> {
  return {
    bytes: stats.bytes,
    seconds: stats.seconds,
    throughputBps: stats.throughputBps,
    throughputMBps: stats.throughputBps / 1e6,
    packetsSent: stats.packetsSent,
    packetsReceived: stats.packetsReceived,
    retransmits: stats.retransmits,
    timeouts: stats.timeouts,
    duplicates: stats.duplicates,
    outOfOrder: stats.outOfOrder,
    ignored: stats.ignored,
    srttMs: Number.isFinite(stats.srttMs) ? stats.srttMs : 0,
    rtoMs: stats.rtoMs,
  };
}

export function failuresJson(failures: readonly AttemptFailure[]): Array<Record<string, string>> {
  return failures.map((f) => ({ user: f.user, code: f.error.code, message: f.error.message }));
}

/** The per-responder reasons a failed download carries (ALL_RESPONDERS_FAILED keeps them). */
export function failuresOf(error: WhohasError): AttemptFailure[] {
  return Array.isArray(error.cause) ? (error.cause as AttemptFailure[]) : [];
}
