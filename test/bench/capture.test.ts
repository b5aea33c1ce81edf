/**
 * `sweep --pcap`: every simulated run writes one pcapng named after its row, holding the whole
 * download (chat lines and datagrams), with the drops the trace counted as comments. A sweep
 * without the flag writes nothing, and the CSV is the same either way (capture changes no run).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runSweep } from '../../bench/sweep/run.ts';
import { type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';
import { parsePcapng } from '../helpers/pcapng.ts';

const spec: SweepSpec = {
  transport: 'sim',
  engine: 'peer',
  profiles: ['lan'],
  windows: [4, 16],
  packetSizes: [1024],
  sizes: [60_000],
  losses: [0.05],
  seeds: [11],
  ...unsweptDefaults(),
  timeLimitS: 30,
};

test('one pcapng per run, named after its row, with the lost datagrams marked', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-sweep-pcap-'));
  try {
    const captured = await runSweep(spec, { workers: 0, progress: false, pcapDir: dir });
    const plain = await runSweep(spec, { workers: 0, progress: false });
    t.deepEqual(captured.rows, plain.rows, 'capturing changes no run');
    const files = (await readdir(dir)).sort();
    t.deepEqual(files, [
      '0000-gbn-w4-p1024-loss0.05-seed11-r1.pcapng',
      '0001-gbn-w16-p1024-loss0.05-seed11-r1.pcapng',
    ]);
    for (const [i, file] of files.entries()) {
      const { packets, sectionComments } = parsePcapng(await readFile(join(dir, file)));
      t.true(sectionComments[0].includes('seed 11'));
      t.true(sectionComments[0].includes(`window ${spec.windows[i]}`));
      // Whole download: the transfer's datagrams at least (about 60 of 1008 bytes).
      t.true(packets.length >= Number(captured.rows[i].packets_sent));
      const drops = packets.flatMap((p) => p.comments).filter((c) => c.includes('dropped (loss)'));
      // At 5 % loss the run retransmitted; the capture shows what was lost.
      t.true(Number(captured.rows[i].retransmits) > 0);
      t.true(drops.length > 0, file);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
