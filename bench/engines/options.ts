/** Transfer options for a point: its scheme, window and packet size, and the RTO and ACK policy swept. */
import { defaultTransferOptions, type TransferOptionsInput } from '../../impl/arq/index.ts';
import type { PointSpec } from '../sweep/spec.ts';

export function transferOptions(point: PointSpec): TransferOptionsInput {
  const options: TransferOptionsInput = {
    arq: point.arq,
    window: point.window,
    packetSize: point.packetSize,
  };
  if (point.rto.mode === 'fixed') options.rto = { mode: 'fixed', ms: point.rto.ms };
  if (point.ackEvery !== null) {
    options.ack = { ...defaultTransferOptions.ack, packets: point.ackEvery };
  }
  if (point.congestion !== null) options.congestion = point.congestion;
  if (point.fastRetransmit !== null) options.fastRetransmit = point.fastRetransmit;
  return options;
}
