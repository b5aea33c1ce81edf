/**
 * A whohas peer pointed at a server that does not speak whohas (the 2016 Python server sends an
 * untagged prompt and no newline) says so as soon as the first bytes arrive: NOT_A_WHOHAS_SERVER,
 * not LOGIN_TIMEOUT after the 30 s login deadline (docs/PROTOCOL.md, "Errors of the programs").
 */
import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { Peer } from '../../impl/peer/index.ts';
import { Simulator } from '../../sim/index.ts';
import { logReplay } from '../helpers/replay.ts';

/** A server on port 50000 that writes `writes` to each newcomer, one write per virtual ms. */
async function connectTo(writes: string[], seed: number) {
  const sim = new Simulator({ seed });
  const serverHost = sim.addHost('server');
  const peerHost = sim.addHost('peer');
  const server = serverHost.platform.net.createServer();
  server.on('connection', (socket) => {
    writes.forEach((write, i) => {
      serverHost.platform.clock.setTimeout(() => socket.write(write), i + 1);
    });
  });
  await sim.until(server.listen(50000, serverHost.address));
  const peer = new Peer({
    platform: peerHost.platform,
    name: 'eko',
    folder: '/home/eko',
    server: { host: serverHost.address, port: 50000 },
  });
  const started = sim.now;
  const outcome = await sim.until(
    peer.connect().then(
      () => undefined,
      (error: unknown) => error,
    ),
  );
  return { outcome, elapsedMs: sim.now - started };
}

const refused = test.macro(async (t, writes: string[], seed: number) => {
  logReplay(t, seed);
  const { outcome, elapsedMs } = await connectTo(writes, seed);
  t.true(isWhohasError(outcome, 'NOT_A_WHOHAS_SERVER'), String(outcome));
  // At once: within a second of virtual time, not the 30 s login deadline.
  t.true(elapsedMs < 1_000, `${elapsedMs} ms`);
});

test('a 2016-style server: an untagged prompt, no newline', refused, ['Enter your username: '], 1);
test('a web server', refused, ['HTTP/1.1 400 Bad Request\r\n\r\n'], 2);
test('an untagged start split over writes', refused, ['O', 'Khello'], 3);
test('tagged, but not the whohas greeting', refused, ['OK|Hello from elsewhere\n'], 4);

test('a whohas greeting split byte by byte is still a whohas server', async (t) => {
  logReplay(t, 5);
  const greeting = 'OK|Welcome to whohas. Please enter your username\n';
  const { outcome } = await connectTo([...'OK|Wel', greeting.slice(6)], 5);
  // The name is sent and no answer comes: the wait ends with the login timeout, not a refusal.
  t.true(isWhohasError(outcome, 'LOGIN_TIMEOUT'), String(outcome));
});
