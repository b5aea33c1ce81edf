import test from 'ava';
import { PointRunner } from '../../bench/sweep/point.ts';
import { expandMatrix, type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';

const spec = (overrides: Partial<SweepSpec>): SweepSpec => ({
  transport: 'sim',
  engine: 'peer',
  profiles: ['lan'],
  windows: [8],
  packetSizes: [1024],
  sizes: [300_000],
  losses: [null],
  seeds: [3],
  ...unsweptDefaults(),
  timeLimitS: 30,
  ...overrides,
});

const moves = test.macro({
  exec: async (t, overrides: Partial<SweepSpec>) => {
    const runner = new PointRunner();
    try {
      const [point] = expandMatrix(spec(overrides));
      const row = await runner.run(point);
      t.is(row.status, 'ok');
      t.is(row.file_bytes, 300_000);
      // 300 000 bytes in 1008-byte payloads: 298 data packets, plus START and FIN.
      t.true(Number(row.packets_sent) >= 300);
      t.true(Number(row.seconds) > 0);
      t.is(Number(row.throughput_Bps), Number((300_000 / Number(row.seconds)).toPrecision(9)));
    } finally {
      await runner.close();
    }
  },
  title: (_title, overrides: Partial<SweepSpec>) =>
    `${overrides.transport ?? 'sim'} ${overrides.engine ?? 'peer'} moves the whole file`,
});

test(moves, {});
test(moves, { engine: 'gbn' });
// Real sockets and child processes: one at a time.
test.serial(moves, { transport: 'udp', profiles: ['loopback'] });
test.serial(moves, { transport: 'udp', profiles: ['loopback'], engine: 'gbn' });

test('a simulated point with loss retransmits, and the model sits beside it', async (t) => {
  const runner = new PointRunner();
  const [point] = expandMatrix(spec({ losses: [0.05], rto: { mode: 'fixed', ms: 10 } }));
  const row = await runner.run(point);
  t.is(row.status, 'ok');
  t.true(Number(row.retransmits) > 0 && Number(row.timeouts) > 0);
  t.is(row.rto, 'fixed:10');
  t.true(Number(row.model_Bps) > 0);
  t.is(row.udp_blast_Bps, '');
});
