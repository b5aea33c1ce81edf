import { createHash } from 'node:crypto';
import test from 'ava';
import { ReadyQueue } from '../../impl/arq/ready-queue.ts';

test('payloads come out in order, once each, and the byte count follows', (t) => {
  const queue = new ReadyQueue();
  queue.push(Buffer.from('ab'));
  queue.push(Buffer.alloc(0));
  queue.push(Buffer.from('cde'));
  t.is(queue.bytes, 5);
  t.is(queue.take()?.toString(), 'ab');
  t.is(queue.bytes, 3);
  t.is(queue.take()?.toString(), 'cde', 'empty payloads are skipped');
  t.is(queue.take(), null);
  t.is(queue.bytes, 0);
  queue.push(Buffer.from('f'));
  queue.clear();
  t.is(queue.take(), null);
});

test('the digest covers every byte pushed, taken or not (the core checks it at FIN)', (t) => {
  const queue = new ReadyQueue();
  queue.push(Buffer.from('ab'));
  queue.take();
  queue.push(Buffer.from('c'));
  t.true(queue.matches(createHash('sha256').update('abc').digest()));
});

test('a digest of other bytes does not match', (t) => {
  const queue = new ReadyQueue();
  queue.push(Buffer.from('abd'));
  t.false(queue.matches(createHash('sha256').update('abc').digest()));
});
