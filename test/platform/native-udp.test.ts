/**
 * The native addon's send functions on real loopback sockets: datagrams arrive intact and in
 * order, a batch the kernel takes only part of reports how many went, and the GSO rules hold.
 */
import * as dgram from 'node:dgram';
import { constants } from 'node:os';
import test from 'ava';
import { type NativeUdp, socketFd } from '../../impl/platform/native-udp.ts';
import { nativeTests } from '../helpers/native-udp.ts';

const { EBADF, EMSGSIZE } = constants.errno;

/** A receiver on 127.0.0.1 and a sender connected to it; both closed after the test. */
async function connectedPair(t: { teardown(fn: () => void): void }) {
  const receiver = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  receiver.setRecvBufferSize(4 * 1024 * 1024);
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) =>
    sender.connect(receiver.address().port, '127.0.0.1', resolve),
  );
  t.teardown(() => {
    receiver.close();
    sender.close();
  });
  const fd = socketFd(sender);
  if (fd === undefined) throw new Error('no fd under the node:dgram socket');
  const arrived: Buffer[] = [];
  receiver.on('message', (msg) => arrived.push(msg));
  /** Resolves once `count` datagrams have arrived (bounded: 5 s). */
  const until = async (count: number) => {
    for (let waited = 0; arrived.length < count && waited < 5_000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return arrived;
  };
  return { fd, until };
}

/** Datagram `index` of `bytes` bytes: its index in the first 4 bytes, then a pattern. */
function numbered(index: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes, index & 0xff);
  out.writeUInt32BE(index, 0);
  return out;
}

const arrivesInOrder = test.macro({
  async exec(t, send: (native: NativeUdp, fd: number, batch: Buffer[]) => number, sizes: number[]) {
    const { fd, until } = await connectedPair(t);
    const batch = sizes.map((bytes, index) => numbered(index, bytes));
    t.is(send(t.context as NativeUdp, fd, batch), batch.length);
    const arrived = await until(batch.length);
    t.deepEqual(arrived, batch);
  },
  title: (title = '') => title,
});

nativeTests('native UDP sends', (native) => {
  test.beforeEach((t) => {
    t.context = native;
  });
  const many = (count: number, bytes: number) => Array.from({ length: count }, () => bytes);

  test(
    'sendmmsg: 100 datagrams of 1444 bytes arrive intact and in order',
    arrivesInOrder,
    (n, fd, batch) => n.sendmmsg(fd, batch, 0),
    many(100, 1444),
  );
  test(
    'sendmmsg: a batch over the 1024 per call limit goes in several calls, in order',
    arrivesInOrder,
    (n, fd, batch) => n.sendmmsg(fd, batch, 0),
    many(1500, 64),
  );
  test(
    'GSO: 40 segments of 2048 bytes and a shorter last one arrive as 41 datagrams, in order',
    arrivesInOrder,
    (n, fd, batch) => n.sendGso(fd, batch, 0, 2048),
    [...many(40, 2048), 700],
  );

  test('sendmmsg: the system calls made are counted (one for a batch of 64)', async (t) => {
    const { fd, until } = await connectedPair(t);
    const before = native.syscalls();
    t.is(
      native.sendmmsg(
        fd,
        Array.from({ length: 64 }, (_, i) => numbered(i, 100)),
        0,
      ),
      64,
    );
    t.is(native.syscalls() - before, 1);
    t.is((await until(64)).length, 64);
  });

  test('sendmmsg: a batch the kernel takes only part of reports how many went; the caller resumes', async (t) => {
    const { fd, until } = await connectedPair(t);
    // Datagram 2 is over the 65 507-byte UDP limit: the kernel takes 0 and 1, then stops.
    const batch = [numbered(0, 100), numbered(1, 100), numbered(2, 70_000), numbered(3, 100)];
    t.is(native.sendmmsg(fd, batch, 0), 2);
    t.is(native.sendmmsg(fd, batch, 2), -EMSGSIZE, 'resuming at the failed one reports its error');
    t.is(native.sendmmsg(fd, batch, 3), 1);
    t.deepEqual(
      (await until(3)).map((msg) => msg.readUInt32BE(0)),
      [0, 1, 3],
    );
  });

  test('a closed descriptor is -EBADF, nothing sent', (t) => {
    t.is(native.sendmmsg(1_000_000, [numbered(0, 10)], 0), -EBADF);
    t.is(native.sendGso(1_000_000, [numbered(0, 10)], 0, 10), -EBADF);
  });

  test('GSO refuses segments of unequal size before the last (the kernel would cut them)', async (t) => {
    const { fd } = await connectedPair(t);
    t.throws(
      () => native.sendGso(fd, [numbered(0, 100), numbered(1, 50), numbered(2, 100)], 0, 100),
      {
        instanceOf: TypeError,
        message: /segmentBytes/,
      },
    );
  });

  test('a datagram that is not bytes is a TypeError, not a crash', async (t) => {
    const { fd } = await connectedPair(t);
    t.throws(() => native.sendmmsg(fd, ['text' as unknown as Buffer], 0), {
      instanceOf: TypeError,
    });
  });
});
