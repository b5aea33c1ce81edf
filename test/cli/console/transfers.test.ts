import test from 'ava';
import { consoleColors } from '../../../cli/console/colors.ts';
import { Transfers } from '../../../cli/console/transfers.ts';

function tracker() {
  const printed: string[] = [];
  let now = 0;
  const transfers = new Transfers(
    (text) => printed.push(text),
    consoleColors(false),
    () => now,
  );
  return { transfers, printed, advance: (ms: number) => (now += ms) };
}

test('a download is told when it starts and at each quarter, and listed with its progress', (t) => {
  const { transfers, printed, advance } = tracker();
  transfers.progress('d1', 'eswar', 'big.bin', 0, 4_000_000);
  transfers.progress('d1', 'eswar', 'big.bin', 1_100_000, 4_000_000);
  transfers.progress('d1', 'eswar', 'big.bin', 1_200_000, 4_000_000);
  transfers.progress('d1', 'eswar', 'big.bin', 3_000_000, 4_000_000);
  advance(3_000);
  t.deepEqual(printed, [
    '↓ downloading big.bin from eswar (4.00 MB)',
    '↓ big.bin from eswar 25%',
    '↓ big.bin from eswar 75%',
  ]);
  t.deepEqual(transfers.lines(), ['↓ big.bin from eswar  75%  3.00 of 4.00 MB  3 s']);
});

test('uploads are listed with their size and time; finished ones leave the list', (t) => {
  const { transfers, printed, advance } = tracker();
  transfers.started('u1', 'upload', 'eko', 'notes.txt', 16);
  transfers.progress('d1', 'eswar', 'big.bin', 500, 1000);
  advance(2_000);
  t.is(printed[0], '↑ sending notes.txt to eko (0.00 MB)');
  t.deepEqual(transfers.lines(), [
    '↓ big.bin from eswar  50%  0.00 of 0.00 MB  2 s',
    '↑ notes.txt to eko  0.00 MB  running 2 s',
  ]);
  transfers.finished('u1');
  transfers.finished('d1');
  t.deepEqual(transfers.lines(), ['no transfers under way']);
  t.is(transfers.size, 0);
});
