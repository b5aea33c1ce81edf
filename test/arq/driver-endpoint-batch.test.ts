/**
 * The driver's batched flush (driver-endpoint.ts: what pollTransmit gives in one round goes to
 * socket.sendBatch in one call). On the simulator, a socket with sendBatch must give exactly the
 * trace of per-datagram sends; on real sockets with the native addon, a transfer over sendmmsg is
 * byte-identical.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { TransferReceiver } from '../../impl/arq/driver-receiver.ts';
import { TransferSender } from '../../impl/arq/driver-sender.ts';
import type { NativeUdp } from '../../impl/platform/native-udp.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { createNodeDgram } from '../../impl/platform/node-dgram.ts';
import type { DatagramSocket } from '../../impl/platform/types.ts';
import { type ProfileName, Simulator } from '../../sim/index.ts';
import { nativeTests } from '../helpers/native-udp.ts';

/** The socket with a sendBatch that is a loop of send(), recording each batch's size. */
function withSendBatch(socket: DatagramSocket, sizes: number[]): DatagramSocket {
  const sendBatch = (msgs: readonly Uint8Array[], port: number, address: string) => {
    sizes.push(msgs.length);
    for (const msg of msgs) socket.send(msg, port, address);
  };
  return new Proxy(socket, {
    get(target, key) {
      if (key === 'sendBatch') return sendBatch;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One simulated transfer; its trace hash, and the batch sizes if the sockets batch. */
async function simulated(profile: ProfileName, seed: number, batched: boolean) {
  const sim = new Simulator({ seed });
  const owner = sim.addHost('owner');
  const requester = sim.addHost('requester');
  sim.connect(owner, requester, profile);
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131) & 0xff;
  owner.files.write('/share/file.bin', data);
  requester.files.mkdir('/downloads');
  const sizes: number[] = [];
  const wrap = (socket: DatagramSocket) => (batched ? withSendBatch(socket, sizes) : socket);
  const receiverSocket = wrap(requester.platform.dgram.createSocket());
  const { port } = await sim.until(receiverSocket.bind(0));
  const senderSocket = wrap(owner.platform.dgram.createSocket());
  await sim.until(senderSocket.bind(0));
  const file = await sim.until(owner.platform.fs.openRead('/share/file.bin'));
  const options = { window: 16 };
  const receiver = new TransferReceiver({
    platform: requester.platform,
    socket: receiverSocket,
    peerAddress: owner.address,
    transferId: 7,
    dir: '/downloads',
    name: 'file.bin',
    options,
  });
  const sender = new TransferSender({
    platform: owner.platform,
    socket: senderSocket,
    peer: { address: requester.address, port },
    transferId: 7,
    file,
    options,
  });
  const [{ path }] = await sim.until(Promise.all([receiver.done, sender.done]));
  await sim.run();
  return { hash: sim.traceHash(), sizes, identical: requester.files.read(path).equals(data) };
}

const sameTrace = test.macro({
  async exec(t, profile: ProfileName, seed: number) {
    const plain = await simulated(profile, seed, false);
    const batched = await simulated(profile, seed, true);
    t.true(plain.identical && batched.identical);
    // The batched path was taken, with real batches (else the comparison proves nothing).
    t.true(
      batched.sizes.some((size) => size > 1),
      `batch sizes ${batched.sizes.slice(0, 20)}`,
    );
    t.is(batched.hash, plain.hash);
  },
  title: (_ = '', profile: ProfileName, seed: number) =>
    `simulator, ${profile} path, seed ${seed}: batched sends give the per-datagram trace hash`,
});
test(sameTrace, 'lan', 1);
test(sameTrace, 'lossy', 7);

test('the simulator socket has no sendBatch: its traces stay per datagram', (t) => {
  const sim = new Simulator({ seed: 1 });
  t.is(sim.addHost('a').platform.dgram.createSocket().sendBatch, undefined);
});

nativeTests('driver over the native addon', (native) => {
  test('a file crosses real loopback sockets over sendmmsg byte-identically', async (t) => {
    let calls = 0;
    const counting: NativeUdp = {
      ...native,
      sendmmsg(fd, buffers, start) {
        calls++;
        return native.sendmmsg(fd, buffers, start);
      },
    };
    const dir = await mkdtemp(join(tmpdir(), 'whohas-native-test-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const data = randomBytes(3_000_000);
    await writeFile(join(dir, 'source.bin'), data);
    const platform = { ...createNodePlatform(), dgram: createNodeDgram(counting) };
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
      name: 'copy.bin',
      options: { lingerMs: 10, window: 32, packetSize: 1444 },
    });
    const sender = new TransferSender({
      platform,
      socket: senderSocket,
      peer: { address: '127.0.0.1', port },
      transferId,
      file: await platform.fs.openRead(join(dir, 'source.bin')),
      options: { window: 32, packetSize: 1444 },
    });
    const [sent, received] = await Promise.all([sender.done, receiver.done]);
    t.true((await readFile(received.path)).equals(data));
    t.is(sent.bytes, data.length);
    // ~2100 DATA datagrams: far fewer calls into the addon than datagrams, but some.
    t.true(
      calls > 0 && calls < sent.packetsSent / 2,
      `${calls} sendmmsg calls for ${sent.packetsSent} datagrams`,
    );
  });
});
