/**
 * sendBatch on the Node datagram socket (impl/platform/node-dgram.ts) over the native addon
 * (impl/platform/native-batch.ts: sendmmsg, or UDP GSO for equal-size datagrams):
 * behaves as that many send() calls (order, errors), in fewer system calls, and hands what the
 * kernel refuses for now (EAGAIN/ENOBUFS) to node:dgram's queue without reordering.
 */
import * as dgram from 'node:dgram';
import { constants } from 'node:os';
import test from 'ava';
import type { NativeUdp } from '../../impl/platform/native-udp.ts';
import { createNodeDgram } from '../../impl/platform/node-dgram.ts';
import type { DatagramSocket, SystemError } from '../../impl/platform/types.ts';
import { nativeTests } from '../helpers/native-udp.ts';

/** The addon with its calls counted, and `refuse(after)` to fake a full socket buffer once. */
function counted(native: NativeUdp) {
  const calls = { sendmmsg: 0, gso: 0, refused: 0 };
  let gsoRefused = false;
  let refuseAfter = -1;
  let full = false;
  const wrapper: NativeUdp = {
    sendmmsg(fd, buffers, start) {
      calls.sendmmsg++;
      if (full) {
        // The caller came back for the rest: the buffer is still full.
        full = false;
        calls.refused++;
        return -constants.errno.EAGAIN;
      }
      if (refuseAfter >= 0) {
        // As the kernel with a buffer that fills up: takes `refuseAfter`, then EAGAIN.
        const take = refuseAfter;
        refuseAfter = -1;
        full = true;
        return native.sendmmsg(fd, buffers.slice(0, start + take), start);
      }
      return native.sendmmsg(fd, buffers, start);
    },
    sendGso(fd, buffers, start, segmentBytes) {
      calls.gso++;
      // As a kernel or device without UDP GSO.
      if (gsoRefused) return -constants.errno.EIO;
      return native.sendGso(fd, buffers, start, segmentBytes);
    },
    syscalls: native.syscalls,
  };
  return {
    wrapper,
    calls,
    refuse: (after: number) => (refuseAfter = after),
    noGso: () => (gsoRefused = true),
  };
}

async function pair(t: { teardown(fn: () => void): void }, native: NativeUdp | null, gso = false) {
  const receiver = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const port = receiver.address().port;
  const socket: DatagramSocket = createNodeDgram(native, gso).createSocket();
  await socket.bind(0, '127.0.0.1');
  t.teardown(() => {
    receiver.close();
    void socket.close();
  });
  const arrived: number[] = [];
  receiver.on('message', (msg) => arrived.push(msg.readUInt32BE(0)));
  const until = async (count: number) => {
    for (let waited = 0; arrived.length < count && waited < 5_000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return arrived;
  };
  return { socket, port, until };
}

const numbered = (from: number, count: number, bytes = 200) =>
  Array.from({ length: count }, (_, i) => {
    const out = Buffer.alloc(bytes, 7);
    out.writeUInt32BE(from + i, 0);
    return out;
  });
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

test('without the addon the socket has no sendBatch (the driver sends one by one)', async (t) => {
  const { socket } = await pair(t, null);
  t.is(socket.sendBatch, undefined);
});

nativeTests('sendBatch on the Node datagram socket', (native) => {
  test('connected: 50 datagrams in one sendmmsg call, arriving in order', async (t) => {
    const { wrapper, calls } = counted(native);
    const { socket, port, until } = await pair(t, wrapper);
    await socket.connect!(port, '127.0.0.1');
    socket.sendBatch!(numbered(0, 50), port, '127.0.0.1');
    t.is(calls.sendmmsg, 1);
    t.deepEqual(await until(50), range(50));
  });

  test('while connect() is under way the batch is held, then sent in order', async (t) => {
    const { wrapper, calls } = counted(native);
    const { socket, port, until } = await pair(t, wrapper);
    const connecting = socket.connect!(port, '127.0.0.1');
    socket.sendBatch!(numbered(0, 10), port, '127.0.0.1');
    await connecting;
    socket.sendBatch!(numbered(10, 10), port, '127.0.0.1');
    t.is(calls.sendmmsg, 1, 'only the batch after the connect went native');
    t.deepEqual(await until(20), range(20));
  });

  test('an oversized datagram mid-batch is an EMSGSIZE error; the rest still go, in order', async (t) => {
    const { socket, port, until } = await pair(t, native);
    await socket.connect!(port, '127.0.0.1');
    const errors: string[] = [];
    socket.on('error', (error: SystemError) => errors.push(error.code));
    const batch = [...numbered(0, 3), ...numbered(3, 1, 70_000), ...numbered(4, 3)];
    socket.sendBatch!(batch, port, '127.0.0.1');
    t.deepEqual(await until(6), [0, 1, 2, 4, 5, 6]);
    t.deepEqual(errors, ['EMSGSIZE']);
  });

  test('EAGAIN part way: the rest, and the next batch, go through node:dgram in order', async (t) => {
    const { wrapper, calls, refuse } = counted(native);
    const { socket, port, until } = await pair(t, wrapper);
    await socket.connect!(port, '127.0.0.1');
    refuse(3);
    socket.sendBatch!(numbered(0, 10), port, '127.0.0.1');
    t.is(calls.refused, 1, 'the kernel took 3 and refused the 4th');
    // node:dgram still holds some of the first batch: this one must queue behind it, not pass
    // it through the addon.
    const afterFirst = calls.sendmmsg;
    socket.sendBatch!(numbered(10, 10), port, '127.0.0.1');
    t.is(calls.sendmmsg, afterFirst);
    t.deepEqual(await until(20), range(20));
    // Once node:dgram's queue has drained, batches go native again.
    const before = calls.sendmmsg;
    socket.sendBatch!(numbered(20, 5), port, '127.0.0.1');
    t.is(calls.sendmmsg, before + 1);
    t.deepEqual(await until(25), range(25));
  });

  test('GSO: a batch of equal-size datagrams goes in one GSO send, arriving as datagrams in order', async (t) => {
    const { wrapper, calls } = counted(native);
    const { socket, port, until } = await pair(t, wrapper, true);
    await socket.connect!(port, '127.0.0.1');
    socket.sendBatch!([...numbered(0, 20, 1444), ...numbered(20, 1, 300)], port, '127.0.0.1');
    t.deepEqual([calls.gso, calls.sendmmsg], [1, 0]);
    t.deepEqual(await until(21), range(21));
  });

  test('GSO: a batch of mixed sizes goes with sendmmsg instead', async (t) => {
    const { wrapper, calls } = counted(native);
    const { socket, port, until } = await pair(t, wrapper, true);
    await socket.connect!(port, '127.0.0.1');
    socket.sendBatch!([...numbered(0, 3, 100), ...numbered(3, 3, 200)], port, '127.0.0.1');
    t.deepEqual([calls.gso, calls.sendmmsg], [0, 1]);
    t.deepEqual(await until(6), range(6));
  });

  test('GSO refused (EIO: no segmentation offload): sendmmsg for this batch and the next', async (t) => {
    const { wrapper, calls, noGso } = counted(native);
    const { socket, port, until } = await pair(t, wrapper, true);
    await socket.connect!(port, '127.0.0.1');
    noGso();
    socket.sendBatch!(numbered(0, 8), port, '127.0.0.1');
    socket.sendBatch!(numbered(8, 8), port, '127.0.0.1');
    t.deepEqual([calls.gso, calls.sendmmsg], [1, 2], 'GSO tried once, then off for the socket');
    t.deepEqual(await until(16), range(16));
  });

  test('a batch to another address than the connected one throws, as send() does', async (t) => {
    const { socket, port } = await pair(t, native);
    await socket.connect!(port, '127.0.0.1');
    t.throws(() => socket.sendBatch!(numbered(0, 2), port + 1, '127.0.0.1'), {
      code: 'ERR_SOCKET_DGRAM_IS_CONNECTED',
    } as never);
  });
});
