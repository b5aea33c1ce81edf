/**
 * The real datagram socket's connect when the kernel refuses it: an IPv6 socket cannot connect
 * to an IPv4 address (EINVAL). A peer on IPv6 asked by one on IPv4 meets exactly this; before,
 * the refusal was ignored, the socket counted as connected, and its next send threw
 * ERR_SOCKET_BAD_PORT out of a libuv callback: an uncaught exception that took the whole peer
 * down (owner and requester both), not just the one transfer.
 */
import { createNodeDgram } from '../../impl/platform/node-dgram.ts';
import { ipv6Test } from '../helpers/ipv6.ts';

ipv6Test(
  'a refused connect rejects, and the sends held while it ran report the error',
  async (t) => {
    const socket = createNodeDgram().createSocket('udp6');
    await socket.bind(0, '::1');
    const connecting = socket.connect!(9, '127.0.0.1');
    const held = new Promise<unknown>((resolve) =>
      socket.send(Buffer.from('held'), 9, '127.0.0.1', resolve),
    );
    const refusal = await t.throwsAsync(connecting);
    t.truthy((refusal as NodeJS.ErrnoException).code, 'the kernel says why');
    t.is(((await held) as NodeJS.ErrnoException).code, (refusal as NodeJS.ErrnoException).code);
    // Still usable unconnected: a later connect to the right family works.
    const echo = createNodeDgram().createSocket('udp6');
    const there = await echo.bind(0, '::1');
    await socket.connect!(there.port, '::1');
    const heard = new Promise<string>((resolve) => echo.once('message', (m) => resolve(`${m}`)));
    socket.send(Buffer.from('after'), there.port, '::1');
    t.is(await heard, 'after');
    await socket.close();
    await echo.close();
  },
);
