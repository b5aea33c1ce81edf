/**
 * `npm start`'s table must not present the 2016 report's 1.04 MB/s (2016 hardware) as a
 * same-machine baseline: the ratio column divides by the 2016 code as measured on this class of
 * machine, and the report's figures are labelled as the report's.
 */
import test from 'ava';
import {
  CODE_2016_HERE,
  ceilingsOf,
  FILE_BYTES,
  htmlBeside,
  PACKET_SIZE,
  REPORT_2016,
  REPORT_CAVEAT,
  REPRODUCE_CSV,
  referencesFor,
  reproduceTable,
} from '../../bench/reproduce.ts';
import type { Row } from '../../bench/sweep/csv.ts';

const row = (window: number, throughput: number): Row =>
  ({ transport: 'udp', window, status: 'ok', throughput_Bps: throughput }) as unknown as Row;

test('the ratio column divides by the 2016 code on this machine, not by the report', (t) => {
  const table = reproduceTable([row(16, 100e6)]);
  const ratioColumn = table.head.findIndex((head) => String(head).includes('2016 code'));
  t.not(ratioColumn, -1);
  t.false(table.head.some((head) => String(head) === 'speed-up'));
  const line = table.rows.find((cells) => cells[0] === 16);
  // 100 MB/s over the report's 1.04 MB/s would read × 96; over ≈25 MB/s it is × 4.0.
  t.is(line?.[ratioColumn], `× ${(100e6 / CODE_2016_HERE.typical).toFixed(1)}`);
  t.true(REPORT_2016[0].bytesPerSecond < 2e6);
});

test("the report's figures are labelled as the report's, with the independent measurement", (t) => {
  const table = reproduceTable([row(16, 100e6)]);
  t.true(table.head.some((head) => String(head).includes('2016 hardware')));
  const caveat = REPORT_CAVEAT.join(' ');
  for (const fact of ['21–28 MB/s', '~43 MB/s', 'window 64', '7 of 12']) {
    t.true(caveat.includes(fact), fact);
  }
});

test('the HTML report goes beside the CSV, in the ignored runs/ folder for npm start', (t) => {
  t.is(htmlBeside(REPRODUCE_CSV), 'runs/reproduce-2016.html');
  t.is(htmlBeside('out/sweep.csv'), 'out/sweep.html');
});

test('the 2016 marks go on charts of the 2016 setting only', (t) => {
  const setting = (packet_size: number, window: number) =>
    ({ packet_size, file_bytes: FILE_BYTES, window }) as unknown as Row;
  const marks = referencesFor([setting(PACKET_SIZE, 16), setting(PACKET_SIZE, 32)]);
  t.deepEqual(
    marks.map((mark) => [mark.x, Number(mark.y.toFixed(2))]),
    [
      [16, 1.04],
      [32, 1.12],
      [16, 21],
      [32, 43],
    ],
  );
  t.is(marks[2].y2, 28);
  t.deepEqual(referencesFor([setting(1024, 16), setting(1024, 32)]), []);
});

test('ceilings are the raw UDP and TCP figures of a loopback run, in MB/s', (t) => {
  const rows = [
    { udp_blast_Bps: 60e6, tcp_Bps: 1.4e9 },
    { udp_blast_Bps: 80e6, tcp_Bps: 1.6e9 },
  ] as unknown as Row[];
  t.deepEqual(
    ceilingsOf(rows).map((c) => c.y),
    [70, 1500],
  );
  t.deepEqual(ceilingsOf([{ udp_blast_Bps: '', tcp_Bps: '' } as unknown as Row]), []);
});
