import test from 'ava';
import { RtoEstimator } from '../../impl/gbn/rto.ts';

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
