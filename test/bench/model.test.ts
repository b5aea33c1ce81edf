import test from 'ava';
import {
  gbnThroughput,
  losslessThroughput,
  modelThroughput,
  type PathModel,
  refinedGbnThroughput,
  roundTripSeconds,
  type SenderModel,
  srThroughput,
  textbookThroughput,
} from '../../bench/model.ts';

const gigabit: PathModel = { bandwidthBps: 1e9, delayMs: 0.5, loss: 0 };
const sender = (window: number, extra: Partial<SenderModel> = {}): SenderModel => ({
  window,
  dataWireBytes: 1500,
  payloadBytes: 1500,
  ackWireBytes: 0,
  rtoMs: 200,
  ...extra,
});

const close = test.macro({
  exec: (t, actual: number, expected: number) => {
    t.true(Math.abs(actual - expected) <= 1e-9 * expected, `${actual} ≠ ${expected}`);
  },
  title: (title) => title ?? '',
});

// 1500 B / (1 ms + 12 µs): one packet per round trip plus its own serialisation.
test(
  'window 1 is one packet per RTT + L/C',
  close,
  losslessThroughput(gigabit, sender(1)),
  1482213.43873518,
);
// N·L/(RTT + L/C) = 148 MB/s exceeds C = 125 MB/s: the link binds.
test(
  'a large window is capped at the link rate',
  close,
  losslessThroughput(gigabit, sender(100)),
  125e6,
);
// 10 Mbit/s, 10 ms each way, N = 8, 1000 B: (20 ms + 0.8 ms) / 8 = 2.6 ms per packet.
test(
  'the window binds below the link rate',
  close,
  losslessThroughput(
    { bandwidthBps: 1e7, delayMs: 10, loss: 0 },
    sender(8, { dataWireBytes: 1000, payloadBytes: 1000 }),
  ),
  1000 / 0.0026,
);
// No rate limit: 2 ms RTT / 4 packets = 0.5 ms per 2000 B.
test(
  'an unconstrained link is paced by the window alone',
  close,
  losslessThroughput(
    { bandwidthBps: Number.POSITIVE_INFINITY, delayMs: 1, loss: 0 },
    sender(4, { payloadBytes: 2000 }),
  ),
  4e6,
);
// Payload 1448 of 1500 wire bytes at the link rate: 125e6 · 1448/1500.
test(
  'throughput counts file bytes, not header bytes',
  close,
  losslessThroughput(gigabit, sender(100, { payloadBytes: 1448 })),
  125e6 * (1448 / 1500),
);
// The ACK's own serialisation adds to the RTT: 1 ms + 64·8/1e9 s.
test(
  'RTT includes the ACK serialisation',
  close,
  roundTripSeconds(gigabit, sender(1, { ackWireBytes: 64 })),
  0.001 + 512e-9,
);
// 1500 / (12 µs + 0.01/0.99 · (200 ms + 1 ms)).
test(
  '1 % loss costs RTO + RTT per loss',
  close,
  gbnThroughput({ ...gigabit, loss: 0.01 }, sender(100)),
  734464.9534096979,
);
test(
  'no loss: the lossy form equals the lossless one',
  close,
  gbnThroughput(gigabit, sender(16)),
  losslessThroughput(gigabit, sender(16)),
);
// 1500 / (12 µs + 0.01/0.99 · (1 ms + 12 µs)).
test(
  'the textbook form detects losses at once',
  close,
  textbookThroughput({ ...gigabit, loss: 0.01 }, sender(100)),
  1500 / (0.000012 + (0.01 / 0.99) * 0.001012),
);
test('total loss moves nothing', (t) => {
  t.is(gbnThroughput({ ...gigabit, loss: 1 }, sender(4)), 0);
});
test('the timeout-aware form is several times below the textbook one at 1 %', (t) => {
  const path = { ...gigabit, loss: 0.01 };
  t.true(textbookThroughput(path, sender(100)) > 5 * gbnThroughput(path, sender(100)));
});
// ACK every 4: (1 ms + 4 · 12 µs) / 50 = 20.96 µs per packet > 12 µs, so the window binds.
test(
  'an ACK batch of k delays the window by k serialisations',
  close,
  losslessThroughput(gigabit, sender(50, { ackEvery: 4 })),
  1500 / (0.001048 / 50),
);
// 1500 / (1.012 ms + 0.01/0.99 · 200 ms): each loss costs the RTO and nothing more.
test(
  'the refined form charges stop-and-wait the RTO alone per loss',
  close,
  refinedGbnThroughput({ ...gigabit, loss: 0.01 }, sender(1)),
  1500 / (0.001012 + (0.01 / 0.99) * 0.2),
);
test(
  'the refined form equals the renewal form when the link binds',
  close,
  refinedGbnThroughput({ ...gigabit, loss: 0.01 }, sender(100)),
  gbnThroughput({ ...gigabit, loss: 0.01 }, sender(100)),
);

// Selective Repeat (srThroughput): lossless it is Go-Back-N's form; stop-and-wait is exact; a
// window that drains slower than the recovery loses only the lost packets' share; otherwise the
// stall on the oldest hole costs more than the textbook (1 − p) figure admits.
const sameLossless = test.macro({
  exec(t, window: number) {
    const expected = losslessThroughput(gigabit, sender(window));
    t.true(Math.abs(srThroughput(gigabit, sender(window)) - expected) <= 1e-9 * expected);
  },
  title: (_, window) => `Selective Repeat without loss is the lossless form at N = ${window}`,
});
for (const window of [1, 8, 100]) test(sameLossless, window);

// N = 1: each loss (of the DATA, or of its only ACK) costs the RTO alone, per attempt.
test(
  'Selective Repeat at N = 1 is exact stop-and-wait, ACK loss included',
  close,
  srThroughput({ ...gigabit, loss: 0.01, ackLoss: 0.02 }, sender(1)),
  1500 / (0.001012 + (0.0298 / 0.9702) * 0.2),
);

// 1000 packets of 12 µs drain in 12 ms, longer than RTO + T_w = 1.1 ms + 12 µs: a hole is resent
// and acknowledged before the window needs it, so only the lost transmissions cost: (1 − p)·C.
test(
  'a window draining slower than the recovery loses only the lost packets’ share',
  close,
  srThroughput({ ...gigabit, loss: 0.05 }, sender(1000, { rtoMs: 0.1 })),
  125e6 * 0.95,
);

test('the stall on the oldest hole costs more than the textbook (1 − p) figure', (t) => {
  const lossy = { ...gigabit, loss: 0.01 };
  const textbook = 0.99 * losslessThroughput(gigabit, sender(16));
  const sr = srThroughput(lossy, sender(16));
  t.true(sr < 0.5 * textbook, `${sr} vs ${textbook}`);
});

test('Selective Repeat beats Go-Back-N under loss, and both fall as loss grows', (t) => {
  for (const window of [4, 32, 128]) {
    let previous = Number.POSITIVE_INFINITY;
    for (const loss of [0.001, 0.01, 0.05, 0.1]) {
      const path = { ...gigabit, loss };
      const sr = srThroughput(path, sender(window));
      t.true(sr > gbnThroughput(path, sender(window)), `N = ${window}, p = ${loss}`);
      t.true(sr < previous, `N = ${window}, p = ${loss}`);
      previous = sr;
    }
  }
});

test('total loss moves nothing with Selective Repeat either', (t) => {
  t.is(srThroughput({ ...gigabit, loss: 1 }, sender(4)), 0);
  t.is(srThroughput({ ...gigabit, loss: 0, ackLoss: 1 }, sender(1)), 0);
});

test('modelThroughput picks the form of the row’s scheme', (t) => {
  const path = { ...gigabit, loss: 0.01 };
  t.is(modelThroughput('gbn', path, sender(8)), gbnThroughput(path, sender(8)));
  t.is(modelThroughput('sr', path, sender(8)), srThroughput(path, sender(8)));
});
