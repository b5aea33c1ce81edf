/** Sweep rows for the report tests: a doubling window, three seeds, two loss rates. */
import { COLUMNS, type Row } from '../../bench/sweep/csv.ts';

export const sweepRow = (values: Partial<Row>): Row => {
  const base = Object.fromEntries(COLUMNS.map((column) => [column, ''])) as Row;
  return {
    ...base,
    transport: 'sim',
    engine: 'peer',
    profile: 'lan',
    packet_size: 2048,
    file_bytes: 21760000,
    burst: 1,
    loss: 0,
    status: 'ok',
    ...values,
  };
};

/** Throughput grows with the window, lossy runs spread by seed; one lossy run failed. */
export function sampleRows(): Row[] {
  const rows: Row[] = [];
  for (const loss of [0, 0.05]) {
    for (const window of [1, 2, 4, 8, 16, 32]) {
      for (const seed of [1, 2, 3]) {
        const ideal = Math.min(window * 8e6, 120e6) * (loss > 0 ? 0.1 : 1);
        const failed = loss > 0 && window === 32 && seed === 3;
        rows.push(
          sweepRow({
            window,
            loss,
            seed,
            status: failed ? 'TRANSFER_TIMEOUT' : 'ok',
            throughput_Bps: failed ? 0 : ideal * (1 + (seed - 2) * (loss > 0 ? 0.2 : 0.01)),
            model_Bps: ideal,
            retransmits: loss > 0 ? 100 * window : 0,
          }),
        );
      }
    }
  }
  return rows;
}
