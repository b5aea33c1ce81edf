import test from 'ava';
import {
  defaultTransferOptions,
  MAX_WINDOW,
  resolveTransferOptions,
  type TransferOptionsInput,
} from '../../impl/gbn/options.ts';
import { GbnSender } from '../../impl/gbn/sender.ts';
import { Simulator } from '../../sim/index.ts';

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
test('packet size 57 (no room for START)', refused, { packetSize: 57 }, 'BAD_PACKET_SIZE');
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

test('the extremes of the window are accepted', (t) => {
  t.is(resolveTransferOptions({ window: 1 }).window, 1);
  t.is(resolveTransferOptions({ window: MAX_WINDOW }).window, MAX_WINDOW);
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

const misuse = test.macro({
  async exec(t, patch: Record<string, unknown>, code: string) {
    const sim = new Simulator();
    const host = sim.addHost('owner');
    host.files.write('/f', 'x');
    const file = await sim.until(host.platform.fs.openRead('/f'));
    const init = {
      platform: host.platform,
      socket: host.platform.dgram.createSocket(),
      peer: { address: '10.0.0.2', port: 9 },
      transferId: 1,
      file,
      ...patch,
    };
    t.throws(() => new GbnSender(init as never), { code } as never);
  },
  title: (name = '') => `a sender with ${name} throws at once`,
});
test('a negative transfer id', misuse, { transferId: -1 }, 'BAD_ARGUMENT');
test('a 33-bit transfer id', misuse, { transferId: 2 ** 32 }, 'BAD_ARGUMENT');
test('a short SHA-256', misuse, { sha256: Buffer.alloc(5) }, 'BAD_ARGUMENT');
test('an invalid window option', misuse, { options: { window: 0 } }, 'BAD_WINDOW');
