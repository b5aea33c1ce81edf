/**
 * A standard STUN client against our responder: Debian's `stun` (stun-client 0.97, a classic
 * RFC 3489 client), so a whohas server is a STUN server other tools can use.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import test from 'ava';
import { BindingResponder } from '../../impl/nat/binding.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

const STUN = '/usr/bin/stun';
const probe = spawnSync(STUN, [], { encoding: 'utf8' });
const unavailable =
  probe.error || !/STUN client/.test(`${probe.stdout}${probe.stderr}`)
    ? `${STUN} not found (apt-get install stun-client)`
    : undefined;
const inCi = process.env.CI === 'true';

if (unavailable) {
  (inCi ? test : test.skip)(`Debian's STUN client: ${unavailable}`, (t) => t.fail(unavailable));
  if (!inCi) console.warn(`SKIPPED the STUN client interop test: ${unavailable}`);
} else {
  test("Debian's classic STUN client learns its mapped address from our responder", async (t) => {
    const platform = createNodePlatform();
    const socket = platform.dgram.createSocket();
    const { port } = await socket.bind(0, '127.0.0.1');
    const responder = new BindingResponder(socket);
    try {
      // Test 1 of RFC 3489 alone: one Binding request (-p: the client's source port).
      const client = spawn(STUN, [`127.0.0.1:${port}`, '1', '-v', '-p', '41234']);
      let out = '';
      client.stdout.on('data', (chunk) => (out += chunk));
      client.stderr.on('data', (chunk) => (out += chunk));
      await once(client, 'close');
      t.regex(out, /MappedAddress = 127\.0\.0\.1:41234/);
      t.is(responder.stats.requests, 1);
      t.is(responder.stats.answered, 1);
    } finally {
      responder.stop();
      await socket.close();
    }
  });
}
