/**
 * TransferChannel (impl/nat/channel.ts): the driver sees the peer's transfer datagrams and none of
 * the NAT traffic on the same socket (probes, relay frames, anything from the STUN server); once
 * relayed it sees the relay's unwrapped datagrams instead; closing it closes the socket.
 */
import test from 'ava';
import { TransferChannel } from '../../impl/nat/channel.ts';
import { encodeProbe } from '../../impl/nat/punch.ts';
import { encodeRelayFrame, RelayKind } from '../../impl/nat/relay.ts';
import { encodeBindingRequest } from '../../impl/nat/stun.ts';
import { TypedEmitter } from '../../impl/platform/emitter.ts';
import type { DatagramSocket, DatagramSocketEvents } from '../../impl/platform/types.ts';
import { Simulator } from '../../sim/index.ts';

const TRANSFER = Buffer.from([2, 0, 0, 0, 7, 1, 2, 3]);

async function setup() {
  const sim = new Simulator({ seed: 2 });
  const [a, b, server] = ['a', 'b', 'server'].map((name) => sim.addHost(name));
  const sockets = [a, b, server].map((host) => host.platform.dgram.createSocket());
  await sim.until(Promise.all(sockets.map((socket) => socket.bind(5000))));
  const channel = new TransferChannel(sockets[0], { address: server.address, port: 5000 });
  const seen: Buffer[] = [];
  channel.on('message', (msg) => seen.push(Buffer.from(msg)));
  const settle = () =>
    sim.until(new Promise<void>((r) => a.platform.clock.setTimeout(() => r(), 10)));
  return { sim, a, b, server, sockets, channel, seen, settle };
}

test('only the transfer datagram reaches the driver; probes, relay frames and STUN do not', async (t) => {
  const { a, sockets, channel, seen, settle } = await setup();
  const [, peer, server] = sockets;
  const token = Buffer.alloc(8, 1);
  peer.send(encodeProbe(1, 7, token), 5000, a.address);
  peer.send(
    encodeRelayFrame({ kind: RelayKind.DATA, transferId: 7, token, side: 0 }),
    5000,
    a.address,
  );
  server.send(encodeBindingRequest(Buffer.alloc(12, 3)), 5000, a.address);
  server.send(TRANSFER, 5000, a.address); // the server never carries the transfer directly
  peer.send(TRANSFER, 5000, a.address);
  await settle();
  t.deepEqual(seen, [TRANSFER]);
  t.is(channel.stats.filtered, 4);
});

test('relayed: the relay socket is heard, the raw socket no longer', async (t) => {
  const { a, sockets, channel, seen, settle } = await setup();
  const relay = new (class extends TypedEmitter<DatagramSocketEvents> {
    fire(msg: Buffer) {
      this.emit('message', msg, { address: '10.9.9.9', port: 1, size: msg.length });
    }
    close() {
      return Promise.resolve();
    }
  })();
  channel.via(relay as unknown as DatagramSocket);
  sockets[1].send(TRANSFER, 5000, a.address);
  await settle();
  relay.fire(Buffer.from('relayed'));
  t.deepEqual(seen.map(String), ['relayed']);
  t.true(channel.relayed);
});

test('closing the channel runs its close actions and closes the socket', async (t) => {
  const { sim, sockets, channel } = await setup();
  let actions = 0;
  channel.onClose(() => actions++);
  const closed = new Promise<void>((resolve) => sockets[0].once('close', () => resolve()));
  await sim.until(channel.close());
  await sim.until(closed);
  t.is(actions, 1);
  // A close action added afterwards runs at once: nothing is left running.
  channel.onClose(() => actions++);
  t.is(actions, 2);
});
