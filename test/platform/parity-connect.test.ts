/**
 * Parity suite, connected datagram sockets (the transfer drivers connect once the peer is known):
 * real Node on loopback and the simulator behave alike. Assertions wait for events, never time.
 */
import type { DatagramSocket } from '../../impl/platform/types.ts';
import { nextEvent, parityTests } from '../helpers/platforms.ts';

/** Everything `socket` receives, as text. */
function heardBy(socket: DatagramSocket): string[] {
  const heard: string[] = [];
  socket.on('message', (msg) => heard.push(msg.toString()));
  return heard;
}

parityTests({
  'a connected datagram socket hears only its peer and sends only to it': async (t, world) => {
    const { a, b, addressOf } = world;
    const peer = b.dgram.createSocket();
    const there = await peer.bind(0, addressOf(b));
    peer.on('message', (msg, rinfo) => peer.send(msg, rinfo.port, rinfo.address)); // echo
    const stranger = a.dgram.createSocket();
    const strangerAt = await stranger.bind(0, addressOf(a));
    const client = a.dgram.createSocket();
    const here = await client.bind(0, addressOf(a));
    const heard = heardBy(client);
    t.truthy(client.connect, 'the platform offers connect');

    // The premise: unconnected, the client takes a datagram from anyone.
    let next = nextEvent(client, 'message');
    stranger.send(Buffer.from('stray before'), here.port, addressOf(a));
    await next;

    await client.connect!(there.port, addressOf(b));
    // The stray goes first; the echo of the ping comes back after it would have arrived.
    stranger.send(Buffer.from('stray after'), here.port, addressOf(a));
    next = nextEvent(client, 'message');
    client.send(Buffer.from('ping'), there.port, addressOf(b));
    await next;
    t.deepEqual(heard, ['stray before', 'ping'], 'the stray after connect was dropped');

    t.throws(() => client.send(Buffer.from('elsewhere'), strangerAt.port, addressOf(a)), {
      code: 'ERR_SOCKET_DGRAM_IS_CONNECTED',
    });
    await t.throwsAsync(client.connect!(strangerAt.port, addressOf(a)), {
      code: 'ERR_SOCKET_DGRAM_IS_CONNECTED',
    });
    await client.close();
    await stranger.close();
    await peer.close();
  },

  'datagrams sent while connect() is under way reach the peer, in order': async (t, world) => {
    const { a, b, addressOf } = world;
    const peer = b.dgram.createSocket();
    const there = await peer.bind(0, addressOf(b));
    const heard = heardBy(peer);
    const client = a.dgram.createSocket();
    await client.bind(0, addressOf(a));
    // On Node the connect ends after an asynchronous lookup; a send whose own lookup ended after
    // it was refused by libuv (EISCONN) without a word: these were lost before they were held.
    const connected = client.connect!(there.port, addressOf(b));
    for (const word of ['one', 'two', 'three']) {
      client.send(Buffer.from(word), there.port, addressOf(b));
    }
    await connected;
    client.send(Buffer.from('four'), there.port, addressOf(b));
    // 'four' went last: once it is heard, whatever of the first three got through had arrived.
    for (let n = 0; n < 4 && !heard.includes('four'); n++) await nextEvent(peer, 'message');
    t.deepEqual(heard, ['one', 'two', 'three', 'four']);
    await client.close();
    await peer.close();
  },
});
