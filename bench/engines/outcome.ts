/**
 * One outcome from the two halves of a transfer: the receiver's timing and bytes, the sender's
 * counters (retransmissions live on the sender). Every engine reports through these.
 */
import type { TransferStats } from '../../impl/arq/index.ts';
import type { TransferOutcome } from './types.ts';

type Counted = Pick<TransferStats, 'packetsSent' | 'retransmits' | 'timeouts' | 'srttMs' | 'rtoMs'>;

/** The sender's side, as plain numbers (they cross a process boundary as JSON). */
export interface SenderCounters extends Counted {
  status: string;
}

/** A sender's counters with its status; missing stats (it never started) count as nothing. */
export function countersOf(status: string, stats: Counted | undefined): SenderCounters {
  return {
    status,
    packetsSent: stats?.packetsSent ?? 0,
    retransmits: stats?.retransmits ?? 0,
    timeouts: stats?.timeouts ?? 0,
    srttMs: stats?.srttMs ?? Number.NaN,
    rtoMs: stats?.rtoMs ?? Number.NaN,
  };
}

export function outcome(
  status: string,
  received: Pick<TransferStats, 'bytes' | 'seconds'>,
  sent: Counted,
): TransferOutcome {
  return {
    status,
    bytes: received.bytes,
    seconds: received.seconds,
    packetsSent: sent.packetsSent,
    retransmits: sent.retransmits,
    timeouts: sent.timeouts,
    srttMs: sent.srttMs,
    rtoMs: sent.rtoMs,
  };
}
