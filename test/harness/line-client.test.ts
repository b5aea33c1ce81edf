/**
 * The one line client against a scripted server on the simulator: lines split anywhere (even
 * inside a UTF-8 character) come out whole; `next` reads in order while `expect` skips to a
 * match; a wait the connection's close cuts short rejects with what was seen.
 */
import test from 'ava';
import { LineClient } from '../../harness/line-client.ts';
import type { StreamSocket } from '../../impl/platform/types.ts';
import { Simulator } from '../../sim/index.ts';

/** A server that sends `chunks` to the first client, one per event, then (optionally) hangs up. */
async function scripted(chunks: Array<string | Buffer>, hangUp: boolean) {
  const sim = new Simulator({ seed: 1 });
  const server = sim.addHost('server');
  const listener = server.platform.net.createServer();
  listener.on('connection', (socket: StreamSocket) => {
    chunks.forEach((chunk, i) => {
      server.platform.clock.setTimeout(() => socket.write(chunk), i + 1);
    });
    if (hangUp) server.platform.clock.setTimeout(() => socket.end(), chunks.length + 1);
  });
  const { port } = await sim.until(listener.listen(7000, server.address));
  const client = await sim.until(
    LineClient.connect(sim.addHost('client').platform, port, server.address, 'reader'),
  );
  return { sim, client };
}

const euro = Buffer.from('€', 'utf8');

test('chunks split anywhere, even inside a character, give whole lines; \\r\\n is one end', async (t) => {
  const { sim, client } = await scripted(
    [
      Buffer.from('OK|one\r\nOK|t'),
      Buffer.concat([Buffer.from('wo '), euro.subarray(0, 2)]),
      Buffer.concat([euro.subarray(2), Buffer.from('\n')]),
    ],
    true,
  );
  await sim.until(client.whenClosed());
  t.deepEqual(client.lines, ['OK|one', 'OK|two €']);
});

test('next reads in order; expect skips to the first match; ask and take read on', async (t) => {
  const { sim, client } = await scripted(['a\nb\nc\nd\ne\n'], false);
  t.is(await sim.until(client.next()), 'a');
  t.is(await sim.until(client.expect('c')), 'c');
  t.deepEqual(await sim.until(client.take(1)), ['d']);
  t.deepEqual(client.unread, ['e']);
  client.destroy();
});

test('a wait cut short by the close rejects with INVARIANT and the last lines', async (t) => {
  const { sim, client } = await scripted(['OK|hello\n'], true);
  const error = await t.throwsAsync(sim.until(client.expect('ERROR|', 'an error')));
  t.regex(
    error?.message ?? '',
    /reader: connection closed while waiting for an error \(last lines: OK\|hello\)/,
  );
  t.true(client.isClosed);
  // The line that did not match was never read.
  t.deepEqual(await client.closed(), ['OK|hello']);
  t.deepEqual(client.unread, []);
});
