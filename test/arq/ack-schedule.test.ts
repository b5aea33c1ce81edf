import test from 'ava';
import { AckSchedule } from '../../impl/arq/ack-schedule.ts';

test('an ACK is due after `packets` in-order packets, capped at half the window', (t) => {
  const acks = new AckSchedule({ packets: 4, delayMs: 5 }, 16);
  for (let i = 0; i < 3; i++) acks.inOrder(i);
  t.false(acks.take());
  t.is(acks.deadline, 5, 'the delay runs from the first unacknowledged packet');
  acks.inOrder(3);
  t.true(acks.take());
  t.false(acks.take(), 'one ACK, then nothing pending');
  t.is(acks.deadline, null);
  acks.useSenderWindow(2);
  acks.inOrder(10);
  t.true(acks.take(), 'a sender window of 2 means an ACK per packet');
});

test('the delayed ACK becomes due when its deadline is reached, not before', (t) => {
  const acks = new AckSchedule({ packets: 4, delayMs: 5 }, 16);
  acks.inOrder(100);
  acks.onTimeout(104);
  t.false(acks.take());
  acks.onTimeout(105);
  t.true(acks.take());
});

test('stray data draws 4 immediate ACKs, then delayed ones until the next in-order packet', (t) => {
  const acks = new AckSchedule({ packets: 4, delayMs: 5 }, 16);
  for (let i = 0; i < 4; i++) {
    acks.stray(i);
    t.true(acks.take(), `stray ${i + 1}`);
  }
  acks.stray(10);
  t.false(acks.take());
  t.is(acks.deadline, 15);
  acks.inOrder(11);
  acks.stray(12);
  t.true(acks.take(), 'the count starts again after an in-order packet');
});
