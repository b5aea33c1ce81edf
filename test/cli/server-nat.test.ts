/**
 * The server's admin console and its relay (cli/server-nat.ts): `stats` shows the relay's
 * counters after the chat server's, `relays` lists live relays, and a server without a relay
 * says why. The relay runs on the simulator, with a real grant and a real bind.
 */
import test from 'ava';
import { adminLines } from '../../cli/server-nat.ts';
import { encodeRelayFrame, RelayKind, RelayServer } from '../../impl/nat/relay.ts';
import { Simulator } from '../../sim/index.ts';

const TOKEN = Buffer.from('0123456789abcdef', 'hex');

async function relayWithOneBind() {
  const sim = new Simulator({ seed: 3 });
  const server = sim.addHost('server');
  const bob = sim.addHost('bob');
  const serverSocket = server.platform.dgram.createSocket();
  await sim.until(serverSocket.bind(7000));
  const relay = new RelayServer(serverSocket, server.platform.clock);
  serverSocket.on('message', (msg, rinfo) => relay.handle(msg, rinfo));
  relay.grant(42, TOKEN, 'bob', 'alice');
  const socket = bob.platform.dgram.createSocket();
  await sim.until(socket.bind(41000));
  const bind = encodeRelayFrame({ kind: RelayKind.BIND, transferId: 42, token: TOKEN, side: 0 });
  socket.send(bind, 7000, server.address);
  // A stranger's bind with a wrong token is refused and counted.
  const wrong = { kind: RelayKind.BIND, transferId: 42, token: Buffer.alloc(8), side: 1 } as const;
  socket.send(encodeRelayFrame(wrong), 7000, server.address);
  await sim.runUntil(100);
  return relay;
}

const chatStats = () => ['users 2', 'rooms 1'];

test('stats lists the chat counters, then the relay counters', async (t) => {
  const relay = await relayWithOneBind();
  const lines = adminLines(' stats ', chatStats, relay);
  t.deepEqual(lines.slice(0, 2), chatStats());
  t.true(lines.includes('relay.granted 1'), lines.join('\n'));
  t.true(lines.includes('relay.refused 1'), lines.join('\n'));
  t.true(lines.includes('relay.overQuota 0'));
});

test('relays lists each live relay and the counters', async (t) => {
  const relay = await relayWithOneBind();
  const lines = adminLines('relays', () => ['unused'], relay);
  t.is(lines[0], 'relay 42: bob ↔ alice, 1 of 2 bound');
  t.regex(lines[1], /^relays granted 1, active 0, bytes relayed 0, refused 1/);
});

const withoutRelay = test.macro({
  exec(t, line: string, expected: string[]) {
    t.deepEqual(adminLines(line, chatStats, undefined), expected);
  },
  title: (_given, line) => `without a relay: ${line}`,
});

test(withoutRelay, 'stats', chatStats());
test(withoutRelay, 'relays', ['no relay (--no-relay, --no-stun, or its UDP port was taken)']);
