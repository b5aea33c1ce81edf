import type { TransferStats } from '../arq/stats.ts';

/**
 * The statistics of a download made of several transfers (chunks from several owners): counts
 * added up, `seconds` the whole download's, timings (SRTT, RTO, windows) the last transfer's.
 */
export function sumStats(parts: readonly TransferStats[], seconds: number): TransferStats {
  const last = parts.at(-1);
  const sum = (key: keyof TransferStats) => parts.reduce((total, part) => total + part[key], 0);
  const bytes = sum('bytes');
  return Object.freeze({
    bytes,
    seconds,
    throughputBps: seconds > 0 ? bytes / seconds : 0,
    packetsSent: sum('packetsSent'),
    packetsReceived: sum('packetsReceived'),
    retransmits: sum('retransmits'),
    timeouts: sum('timeouts'),
    duplicates: sum('duplicates'),
    outOfOrder: sum('outOfOrder'),
    ignored: sum('ignored'),
    srttMs: last?.srttMs ?? 0,
    rtoMs: last?.rtoMs ?? 0,
    windowNow: last?.windowNow ?? 0,
    windowMin: last?.windowMin ?? 0,
    fastRetransmits: sum('fastRetransmits'),
  });
}
