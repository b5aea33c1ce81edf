import type { DropReason } from './trace.ts';

/** Drop reasons counted as `lost` (loss models, not queues or partitions). */
export const LOST: ReadonlySet<DropReason> = new Set([
  'loss',
  'burst-loss',
  'bit-error',
  'drop-list',
]);

/** Per-direction packet counts: plain read-only numbers. */
export class PathStats {
  sent = 0;
  /** Arrived at the far host (which may still drop it: no socket, host down). */
  delivered = 0;
  dropped = 0;
  /** Of `dropped`: datagrams lost to a loss model (i.i.d., burst, bit errors, drop list). */
  lost = 0;
  /** Of `dropped`: datagrams dropped by a partition. */
  partitionDropped = 0;
  /** Of `dropped`: datagrams refused by the queue (full, or RED's early drop). */
  queueDropped = 0;
  /** Drops by reason (the trace's reasons). */
  readonly drops: Partial<Record<DropReason, number>> = {};
  /** Packets the queue accepted (sent at once or after waiting). */
  enqueued = 0;
  /** Largest occupancy seen: waiting bytes, and waiting packets. */
  peakQueueBytes = 0;
  peakQueuePackets = 0;
  /** Total time accepted packets waited before their transmission started. */
  sojournTotalMs = 0;
  /** Stream segments a partition held back until heal. */
  stalled = 0;
  duplicated = 0;
  corrupted = 0;
  reordered = 0;
  bytesSent = 0;

  /** Mean wait in the queue of the packets it accepted, ms. */
  get meanSojournMs(): number {
    return this.enqueued === 0 ? 0 : this.sojournTotalMs / this.enqueued;
  }
}
