import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Scheme } from '../../impl/arq/codec.ts';
import { TransferReceiver } from '../../impl/arq/driver-receiver.ts';
import { TransferSender } from '../../impl/arq/driver-sender.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

const crossesLoopback = test.macro({
  async exec(t, arq: Scheme) {
    const dir = await mkdtemp(join(tmpdir(), `whohas-${arq}-test-`));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const data = randomBytes(777_777);
    await writeFile(join(dir, 'source.bin'), data);
    const platform = createNodePlatform();
    const receiverSocket = platform.dgram.createSocket();
    const { port } = await receiverSocket.bind(0, '127.0.0.1');
    const senderSocket = platform.dgram.createSocket();
    await senderSocket.bind(0, '127.0.0.1');
    const transferId = platform.random.int(0, 0xffff_ffff);
    const receiver = new TransferReceiver({
      platform,
      socket: receiverSocket,
      peerAddress: '127.0.0.1',
      transferId,
      dir,
      name: 'source.bin',
      options: { lingerMs: 10, arq },
    });
    const sender = new TransferSender({
      platform,
      socket: senderSocket,
      peer: { address: '127.0.0.1', port },
      transferId,
      file: await platform.fs.openRead(join(dir, 'source.bin')),
      options: { arq },
    });
    const [sent, received] = await Promise.all([sender.done, receiver.done]);
    t.is(received.path, join(dir, 'source (1).bin'));
    t.true((await readFile(received.path)).equals(data));
    t.is(sent.bytes, data.length);
    t.is(received.stats.bytes, data.length);
    t.deepEqual((await readdir(dir)).sort(), ['source (1).bin', 'source.bin']);
  },
  title: (_ = '', arq: Scheme) =>
    `${arq}: a file crosses real UDP sockets on 127.0.0.1 byte-identically`,
});
test(crossesLoopback, 'gbn');
test(crossesLoopback, 'sr');
