import test from 'ava';
import { AbortExchange, remoteFailure } from '../../impl/arq/abort.ts';
import { decodePacket } from '../../impl/arq/codec.ts';

const kinds = (exchange: AbortExchange, now: number, spacing: number) => {
  const out: string[] = [];
  for (let d = exchange.poll(now, spacing); d !== null; d = exchange.poll(now, spacing)) {
    out.push(decodePacket(d).kind);
  }
  return out;
};

test('ABORT repeats every `spacing` ms and stops after 5 tries', (t) => {
  const exchange = new AbortExchange(3);
  t.is(exchange.poll(0, 100), null, 'nothing to send before begin()');
  exchange.begin('IO_ERROR', 9n, 0);
  const at: number[] = [];
  for (let now = 0; exchange.deadline !== null; now = exchange.deadline) {
    t.deepEqual(kinds(exchange, now, 100), ['abort']);
    at.push(now);
  }
  t.deepEqual(at, [0, 100, 200, 300, 400]);
});

test('ABORT repeats stop after 2 s even with fewer tries (long spacing)', (t) => {
  const exchange = new AbortExchange(3);
  exchange.begin('IO_ERROR', 9n, 0);
  kinds(exchange, 0, 1_500);
  t.is(exchange.deadline, 1_500);
  kinds(exchange, 1_500, 1_500);
  t.is(exchange.deadline, null, 'a third try would come 3 s after the first');
});

test('an ABORT_ACK owed goes out first, once per ABORT received; stop() ends the repeats', (t) => {
  const exchange = new AbortExchange(3);
  exchange.begin('HASH_MISMATCH', 9n, 0);
  exchange.owe();
  exchange.owe();
  t.deepEqual(kinds(exchange, 0, 100), ['abort-ack', 'abort-ack', 'abort']);
  exchange.stop();
  t.deepEqual(kinds(exchange, 100, 100), []);
});

test('a flood of ABORTs or version 1 datagrams draws 5 answers of each, not one each', (t) => {
  const exchange = new AbortExchange(3);
  for (let i = 0; i < 50; i++) {
    exchange.owe();
    exchange.oweOldVersion();
  }
  const out = kinds(exchange, 0, 100);
  t.deepEqual(out, [...Array(5).fill('abort-ack'), ...Array(5).fill('invalid')]);
});

const mapped = test.macro({
  exec(t, code: string, local: string) {
    t.like(remoteFailure('receiver', code), { code: local, remote: true });
  },
  title: (_ = '', code: string, local: string) => `a remote ABORT ${code} means ${local} here`,
});
test(mapped, 'UNSUPPORTED_ARQ', 'UNSUPPORTED_ARQ');
test(mapped, 'HASH_MISMATCH', 'HASH_MISMATCH');
test(mapped, 'TRANSFER_TIMEOUT', 'TRANSFER_TIMEOUT');
// An owner that cancels a pending upload for lack of a slot says so; the requester falls back.
test(mapped, 'SLOTS_FULL', 'SLOTS_FULL');
test(mapped, 'FILE_CHANGED', 'FILE_CHANGED');
test(mapped, 'NONSENSE', 'TRANSFER_ABORTED');
