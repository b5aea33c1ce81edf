import test from 'ava';
import { EffectiveWindow } from '../../impl/arq/congestion.ts';

test('aimd halves on loss down to 1 and grows by one per window of acknowledged packets', (t) => {
  const window = new EffectiveWindow(16, 'aimd');
  t.is(window.size, 16);
  window.onAcked(100);
  t.is(window.size, 16, 'never past N');
  window.onLoss();
  t.is(window.size, 8);
  window.onAcked(7);
  t.is(window.size, 8);
  window.onAcked(1);
  t.is(window.size, 9, 'one clean round trip of 8 packets');
  for (let i = 0; i < 10; i++) window.onLoss();
  t.is(window.size, 1);
  t.is(window.smallest, 1);
  window.onAcked(1);
  t.is(window.size, 2);
});

test("'none' keeps the window at N whatever happens", (t) => {
  const window = new EffectiveWindow(32, 'none');
  window.onLoss();
  window.onAcked(5);
  t.is(window.size, 32);
  t.is(window.smallest, 32);
});
