import test from 'ava';
import {
  gbnThroughput,
  losslessThroughput,
  type PathModel,
  refinedGbnThroughput,
  roundTripSeconds,
  type SenderModel,
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
