import test from 'ava';
import {
  defaultIdleTimeoutMs,
  defaultTransferOptions,
  MAX_WINDOW,
  MIN_PACKET_SIZE,
  payloadBytes,
  resolveTransferOptions,
  senderGiveUpHorizonMs,
  type TransferOptionsInput,
} from '../../impl/arq/options.ts';

const refused = test.macro({
  exec(t, input: TransferOptionsInput, code: string) {
    t.throws(() => resolveTransferOptions(input), { code } as never);
  },
  title: (name = '') => `${name} is refused at once`,
});

test('window 0', refused, { window: 0 }, 'BAD_WINDOW');
test('window 65536', refused, { window: MAX_WINDOW + 1 }, 'BAD_WINDOW');
test('window 1.5', refused, { window: 1.5 }, 'BAD_WINDOW');
test('a window given as a string', refused, { window: '16' as unknown as number }, 'BAD_WINDOW');
test('packet size 67 (no room for START)', refused, { packetSize: 67 }, 'BAD_PACKET_SIZE');
test('packet size 65508 (over the UDP limit)', refused, { packetSize: 65_508 }, 'BAD_PACKET_SIZE');
test(
  'an adaptive RTO with min above max',
  refused,
  { rto: { mode: 'adaptive', initialMs: 100, minMs: 50, maxMs: 10 } },
  'BAD_ARGUMENT',
);
test('a fixed RTO of 0 ms', refused, { rto: { mode: 'fixed', ms: 0 } }, 'BAD_ARGUMENT');
test('an unknown RTO mode', refused, { rto: { mode: 'magic' } as never }, 'BAD_ARGUMENT');
test('ACK every 0 packets', refused, { ack: { packets: 0, delayMs: 1 } }, 'BAD_ARGUMENT');
test('negative retries', refused, { maxRetries: -1 }, 'BAD_ARGUMENT');
test('an unknown congestion mode', refused, { congestion: 'cubic' as never }, 'BAD_ARGUMENT');
test('fastRetransmit as a string', refused, { fastRetransmit: 'yes' as never }, 'BAD_ARGUMENT');
test('an unknown ARQ scheme', refused, { arq: 'stop-and-wait' as never }, 'BAD_ARGUMENT');
test('an ARQ scheme in upper case', refused, { arq: 'GBN' as never }, 'BAD_ARGUMENT');

test('an unknown ARQ scheme is named in the message with the accepted ones', (t) => {
  const error = t.throws(() => resolveTransferOptions({ arq: 'tcp' as never }));
  t.is(error?.message, `unknown ARQ scheme "tcp": use 'gbn' or 'sr'`);
});

test('both ARQ schemes are accepted and Go-Back-N is the default', (t) => {
  t.is(resolveTransferOptions().arq, 'gbn');
  t.is(resolveTransferOptions({ arq: 'sr' }).arq, 'sr');
  t.is(resolveTransferOptions({ arq: 'gbn' }).arq, 'gbn');
});

test('the extremes of the window and packet size are accepted', (t) => {
  t.is(resolveTransferOptions({ window: 1 }).window, 1);
  t.is(resolveTransferOptions({ window: MAX_WINDOW }).window, MAX_WINDOW);
  t.is(resolveTransferOptions({ packetSize: MIN_PACKET_SIZE }).packetSize, MIN_PACKET_SIZE);
  t.is(payloadBytes(resolveTransferOptions({ packetSize: 2048 })), 2032);
});

test('defaults follow the 2016 experiment: N = 16, 2048-byte datagrams', (t) => {
  const options = resolveTransferOptions();
  t.deepEqual(options, { ...defaultTransferOptions });
  t.is(options.window, 16);
  t.is(options.packetSize, 2048);
  t.true(Object.isFrozen(defaultTransferOptions));
});

test('undefined fields keep their defaults', (t) => {
  t.is(resolveTransferOptions({ window: undefined, packetSize: 1024 }).window, 16);
});

test('the receiver waits longer than a sender with the same options keeps retrying', (t) => {
  const options = resolveTransferOptions({ rto: { mode: 'fixed', ms: 100 }, maxRetries: 3 });
  t.is(senderGiveUpHorizonMs(options), 400);
  t.is(defaultIdleTimeoutMs(options), 500);
  t.is(options.idleTimeoutMs, 500, 'derived when not given');
  t.is(resolveTransferOptions({ idleTimeoutMs: 42 }).idleTimeoutMs, 42);
});
