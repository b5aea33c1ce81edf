import test from 'ava';
import { TransferSender } from '../../impl/arq/driver-sender.ts';
import { Simulator } from '../../sim/index.ts';

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
    t.throws(() => new TransferSender(init as never), { code } as never);
  },
  title: (name = '') => `a sender with ${name} throws at once`,
});
test('a negative transfer id', misuse, { transferId: -1 }, 'BAD_ARGUMENT');
test('a 33-bit transfer id', misuse, { transferId: 2 ** 32 }, 'BAD_ARGUMENT');
test('a short SHA-256', misuse, { sha256: Buffer.alloc(5) }, 'BAD_ARGUMENT');
test('an invalid window option', misuse, { options: { window: 0 } }, 'BAD_WINDOW');
test('an unknown ARQ scheme', misuse, { options: { arq: 'tcp' } }, 'BAD_ARGUMENT');
