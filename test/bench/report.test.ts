import test from 'ava';
import { COLUMNS, type Row } from '../../bench/sweep/csv.ts';
import { groupRows, layoutFor, summaryTable } from '../../bench/sweep/report.ts';

const row = (values: Partial<Row>): Row => {
  const base = Object.fromEntries(COLUMNS.map((column) => [column, ''])) as Row;
  return {
    ...base,
    transport: 'sim',
    profile: 'lan',
    packet_size: 2048,
    loss: 0,
    status: 'ok',
    ...values,
  };
};

const rows = [
  row({ window: 1, loss: 0, seed: 1, throughput_Bps: 100, model_Bps: 100 }),
  row({ window: 1, loss: 0, seed: 2, throughput_Bps: 300, model_Bps: 100 }),
  row({ window: 2, loss: 0, seed: 1, throughput_Bps: 400, model_Bps: 200 }),
  row({ window: 1, loss: 0.05, seed: 1, throughput_Bps: 50, model_Bps: 60 }),
  row({ window: 1, loss: 0.05, seed: 2, status: 'TRANSFER_TIMEOUT', throughput_Bps: 0 }),
];

test('the window is the x axis and each swept value a series', (t) => {
  t.deepEqual(layoutFor(rows), { x: 'window', series: ['loss'] });
  t.deepEqual(
    layoutFor([row({ packet_size: 1024, window: 8 }), row({ packet_size: 2048, window: 8 })]),
    {
      x: 'packet_size',
      series: [],
    },
  );
});

test('groups average the seeds that finished and count the ones that failed', (t) => {
  const groups = groupRows(rows);
  t.deepEqual(
    groups.map((g) => [g.series, g.x, g.runs, g.failed, g.meanBps]),
    [
      ['loss 0 %', 1, 2, 0, 200],
      ['loss 0 %', 2, 1, 0, 400],
      ['loss 5 %', 1, 2, 1, 50],
    ],
  );
  const table = summaryTable(rows);
  t.deepEqual(table.rows[2].slice(0, 3), ['loss 5 %', 1, '2 (1 failed)']);
});

test('a setting that follows from an earlier series key does not lengthen the labels', (t) => {
  // Loopback rows differ from simulated ones in profile and delay too: the transport says it all.
  const mixed = [1, 2].flatMap((window) => [
    row({ window, transport: 'udp', profile: 'loopback', delay_ms: 0 }),
    row({ window, transport: 'sim', profile: 'lan', delay_ms: 0.1 }),
  ]);
  t.deepEqual(layoutFor(mixed).series, ['transport']);
  t.deepEqual([...new Set(groupRows(mixed).map((g) => g.series))], ['real loopback', 'simulated']);
});
