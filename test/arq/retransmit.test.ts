import test from 'ava';
import { RetransmitState } from '../../impl/arq/retransmit.ts';

test('the timer is a deadline one RTO ahead; ensure() keeps an armed one', (t) => {
  const timer = new RetransmitState({ mode: 'fixed', ms: 100 }, 3);
  t.is(timer.deadline, null);
  timer.ensure(10);
  timer.ensure(50);
  t.is(timer.deadline, 110);
  timer.restart(50);
  t.is(timer.deadline, 150);
  t.false(timer.expired(149));
  t.true(timer.expired(150));
  timer.stop();
  t.false(timer.expired(1_000));
});

test('maxRetries timeouts in a row are allowed; one more gives up; progress starts the count again', (t) => {
  const timer = new RetransmitState(
    { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1_000 },
    2,
  );
  t.true(timer.onTimeout());
  t.is(timer.rto.rtoMs, 200, 'backed off');
  t.true(timer.onTimeout());
  timer.progressed();
  t.true(timer.onTimeout());
  t.true(timer.onTimeout());
  t.false(timer.onTimeout());
  t.is(timer.timeoutsInARow, 3);
});

test('a timeout cancels the round-trip measurement (Karn)', (t) => {
  const timer = new RetransmitState(
    { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1_000 },
    5,
  );
  timer.probe.sent(1, 0);
  timer.onTimeout();
  timer.probe.acked(2, 30);
  t.true(Number.isNaN(timer.rto.srttMs));
});
