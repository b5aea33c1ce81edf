import test from 'ava';
import { RoundTripProbe, RtoEstimator } from '../../impl/arq/rto.ts';

const adaptive = { mode: 'adaptive', initialMs: 1_000, minMs: 200, maxMs: 60_000 } as const;

test('before any sample the RTO is the initial one and SRTT is unknown', (t) => {
  const rto = new RtoEstimator(adaptive);
  t.is(rto.rtoMs, 1_000);
  t.true(Number.isNaN(rto.srttMs));
});

test('the first sample sets SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR (RFC 6298 2.2)', (t) => {
  const rto = new RtoEstimator(adaptive);
  rto.sample(100);
  t.is(rto.srttMs, 100);
  t.is(rto.rtoMs, 300);
});

test('later samples smooth with alpha 1/8 and beta 1/4 (RFC 6298 2.3)', (t) => {
  const rto = new RtoEstimator(adaptive);
  rto.sample(100);
  rto.sample(300);
  // RTTVAR = 3/4·50 + 1/4·|100 − 300| = 87.5; SRTT = 7/8·100 + 1/8·300 = 125.
  t.is(rto.srttMs, 125);
  t.is(rto.rtoMs, 125 + 4 * 87.5);
});

test('the RTO is clamped to [minMs, maxMs] and backs off by doubling', (t) => {
  const rto = new RtoEstimator({ mode: 'adaptive', initialMs: 100, minMs: 50, maxMs: 300 });
  rto.sample(1);
  t.is(rto.rtoMs, 50);
  rto.backOff();
  t.is(rto.rtoMs, 100);
  rto.backOff();
  rto.backOff();
  t.is(rto.rtoMs, 300);
});

test('a fixed RTO ignores samples and never backs off', (t) => {
  const rto = new RtoEstimator({ mode: 'fixed', ms: 40 });
  rto.sample(500);
  rto.backOff();
  t.is(rto.rtoMs, 40);
  t.is(rto.srttMs, 500, 'SRTT is still measured for the statistics');
});

test('the probe samples the first timed packet once an ACK covers it, with the given clock', (t) => {
  const rto = new RtoEstimator(adaptive);
  const probe = new RoundTripProbe(rto);
  probe.sent(10, 1_000);
  probe.sent(11, 1_005); // already timing 10: ignored
  probe.acked(10, 1_050); // ACK 10 means 10 has not arrived yet
  t.true(Number.isNaN(rto.srttMs));
  probe.acked(11, 1_080);
  t.is(rto.srttMs, 80);
  probe.acked(12, 2_000);
  t.is(rto.srttMs, 80, 'one sample per timed packet');
});

test("Karn's rule: a cancelled measurement gives no sample", (t) => {
  const rto = new RtoEstimator(adaptive);
  const probe = new RoundTripProbe(rto);
  probe.sent(5, 0);
  probe.cancel();
  probe.acked(6, 900);
  t.true(Number.isNaN(rto.srttMs));
});

test('the probe compares sequence numbers modulo 2^32 across the wrap', (t) => {
  const rto = new RtoEstimator(adaptive);
  const probe = new RoundTripProbe(rto);
  probe.sent(0xffff_ffff, 0);
  probe.acked(0xffff_ffff, 10);
  t.true(Number.isNaN(rto.srttMs), 'ACK equal to the timed packet does not cover it');
  probe.acked(0, 20); // 0 comes right after 0xffffffff
  t.is(rto.srttMs, 20);
});

// Progress ends the backoff (Linux clears icsk_backoff on new data acknowledged): after going
// back, every packet in flight is a retransmission and Karn's rule gives no sample to undo it.
const resets = test.macro(
  (t, options: ConstructorParameters<typeof RtoEstimator>[0], samples: number[], want: number) => {
    const rto = new RtoEstimator(options);
    for (const sample of samples) rto.sample(sample);
    const before = rto.rtoMs;
    for (let i = 0; i < 4; i++) rto.backOff();
    rto.resetBackoff();
    t.is(rto.rtoMs, want, `from ${before} backed off four times`);
  },
);
test('resetBackoff: SRTT + 4 RTTVAR again', resets, adaptive, [100], 300);
test('resetBackoff before any sample: the initial RTO', resets, adaptive, [], 1_000);
test('resetBackoff keeps the floor', resets, adaptive, [10], 200);
test('resetBackoff leaves a fixed RTO alone', resets, { mode: 'fixed', ms: 70 }, [10], 70);
