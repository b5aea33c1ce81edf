/**
 * The dumbbell figures beside ns-3's: K = 2, 4, 8, 16 textbook Go-Back-N flows at N = 8 and 64
 * across a 10 Mbit/s, 20 ms bottleneck with a 44-packet queue (64 KB of 1400-byte datagrams),
 * ours and ns-3 3.37's, with the deviation. Needs libns3-dev and g++.
 *
 *   npx tsx bench/fidelity/dumbbell-table.ts [fileBytes=2e6] → results/dumbbell-ns3.csv (+ .json)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { stringify } from 'csv-stringify/sync';
import { machine, writeProvenance } from '../provenance.ts';
import { ns3Dumbbell, simDumbbell } from './dumbbell.ts';
import { ns3Missing } from './ns3.ts';

const OUT = 'results/dumbbell-ns3.csv';

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = await ns3Missing();
  if (missing !== undefined) {
    console.error(`ns-3 is needed: ${missing}`);
    process.exit(2);
  }
  const fileBytes = Number(process.argv[2] ?? 2e6);
  const started = performance.now();
  const rows: (string | number)[][] = [];
  for (const window of [8, 64]) {
    for (const flows of [2, 4, 8, 16]) {
      const experiment = {
        flows,
        window,
        bandwidthBps: 10e6,
        delayMs: 20,
        queuePackets: 44,
        packetSize: 1400,
        fileBytes,
        rtoMs: 200,
      };
      const [ours, theirs] = await Promise.all([simDumbbell(experiment), ns3Dumbbell(experiment)]);
      const delta = ours.throughputBps / theirs.throughputBps - 1;
      rows.push([
        window,
        flows,
        Math.round(ours.throughputBps),
        Math.round(theirs.throughputBps),
        Number(delta.toFixed(6)),
        Number(ours.jain.toFixed(6)),
        Number(theirs.jain.toFixed(6)),
        ours.drops,
        theirs.drops,
      ]);
      console.log(
        `N = ${window}, K = ${flows}: ours ${(ours.throughputBps / 1e6).toFixed(4)} MB/s (Jain ${ours.jain.toFixed(4)}, ${ours.drops} drops), ns-3 ${(theirs.throughputBps / 1e6).toFixed(4)} MB/s (Jain ${theirs.jain.toFixed(4)}, ${theirs.drops} drops), Δ ${(delta * 100).toFixed(3)} %`,
      );
    }
  }
  await mkdir('results', { recursive: true });
  const columns = [
    'window',
    'flows',
    'ours_Bps',
    'ns3_Bps',
    'deviation',
    'ours_jain',
    'ns3_jain',
    'ours_drops',
    'ns3_drops',
  ];
  await writeFile(OUT, stringify(rows, { header: true, columns }));
  await writeProvenance(OUT, {
    command: `npx tsx bench/fidelity/dumbbell-table.ts ${fileBytes}`,
    finished: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1e3,
    machine: machine(),
  });
  console.log(
    `wrote ${OUT}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}
