import test from 'ava';
import { dataPathRate, setups } from '../../bench/nat-netns.ts';

// The data path's rate comes from the owner's upload lines (cli/transfer-format.ts): bytes over
// the sum of each upload's time (bytes ÷ rate); the tree's few bytes and other lines are left out.
const rate = test.macro((t, lines: string[], expected: number) => {
  t.is(Math.round(dataPathRate(lines)), expected);
});

test(
  'one upload: its own rate',
  rate,
  [
    'upload done: blob: 1.00 MB to f in 0.10 s, 10.00 MB/s, 0 retransmissions, 0 timeouts, via relay',
  ],
  10_000_000,
);
test(
  'two uploads at 10 and 40 MB/s: 2 MB in 0.125 s',
  rate,
  [
    'upload done: blob: 1.00 MB to f in 0.10 s, 10.00 MB/s, 0 retransmissions, 0 timeouts',
    'upload of blob to f started',
    'upload done: blob: 1.00 MB to f in 0.03 s, 40.00 MB/s, 0 retransmissions, 0 timeouts',
  ],
  16_000_000,
);
test(
  'the tree (0.00 MB) does not count',
  rate,
  [
    'upload done: blob: 0.00 MB to f in 0.01 s, 0.01 MB/s, 0 retransmissions, 0 timeouts',
    'upload done: blob: 2.00 MB to f in 0.10 s, 20.00 MB/s, 0 retransmissions, 0 timeouts',
  ],
  20_000_000,
);

test('the relay runs once at the default cap and once raised, beside same-lan and cone', (t) => {
  const all = setups(1e9);
  t.deepEqual(
    all.map((s) => [s.name, s.kinds.join('/'), s.server.join(' ')]),
    [
      ['same-lan', 'none/none', ''],
      ['cone', 'cone/cone', ''],
      ['relay-capped', 'symmetric/symmetric', ''],
      ['relay', 'symmetric/symmetric', '--relay-bandwidth 1000000000'],
    ],
  );
});
