/**
 * The NAT family's measuring helpers (scenarios/nat-swarm.ts): how long a transfer went quiet,
 * and which sends were hole-punching probes. mapping-timeout's evidence (`nat.quietMs`) and its
 * invariant (no socket quiet past the NAT's timeout) rest on these.
 */
import test from 'ava';
import { encodeProbe } from '../../impl/nat/punch.ts';
import { encodeBindingRequest } from '../../impl/nat/stun.ts';
import { longestQuiet, type Sent, watchSends } from '../../scenarios/nat-swarm.ts';
import { Simulator } from '../../sim/index.ts';

const send = (at: number, probe = false, port = 1): Sent => ({
  at,
  port,
  kind: probe ? 'probe' : 'data',
});

const quiet = test.macro({
  exec(t, log: Sent[], keepProbes: boolean, expected: number) {
    t.is(
      longestQuiet(log, (s) => keepProbes || s.kind === 'data', 100, 200),
      expected,
    );
  },
  title: (name = '') => `longest quiet: ${name}`,
});

test('no sends: the whole window', quiet, [], true, 100);
test('a send in the middle halves it', quiet, [send(150)], true, 50);
test('the gap before the first send counts', quiet, [send(130), send(140), send(190)], true, 50);
test('the gap after the last send counts', quiet, [send(110), send(120)], true, 80);
test('sends outside the window are ignored', quiet, [send(50), send(250)], true, 100);
test(
  'probes hold the socket but not the transfer',
  quiet,
  [send(120), send(140, true), send(160, true), send(180)],
  false,
  60,
);
test(
  'with probes counted the same log is busy',
  quiet,
  [send(120), send(140, true), send(160, true), send(180)],
  true,
  20,
);

test('watchSends records every datagram, probes and STUN told from data, with the sending port', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const [a, b] = [sim.addHost('a'), sim.addHost('b')];
  const log: Sent[] = [];
  const socket = watchSends(a.platform, log).dgram.createSocket();
  await sim.until(socket.bind(4000));
  socket.send(encodeProbe(1, 7, Buffer.alloc(8, 1)), 5000, b.address);
  socket.send(encodeBindingRequest(Buffer.alloc(12, 3)), 5000, b.address);
  socket.send(Buffer.from([2, 0, 0, 0]), 5000, b.address);
  await sim.run();
  t.deepEqual(
    log.map((s) => [s.at, s.port, s.kind]),
    [
      [0, 4000, 'probe'],
      [0, 4000, 'stun'],
      [0, 4000, 'data'],
    ],
  );
});
