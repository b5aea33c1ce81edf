import test from 'ava';
import { LineClient } from '../../harness/line-client.ts';
import { ChatServer } from '../../impl/chat/index.ts';
import { Simulator } from '../../sim/index.ts';

function simServerHost(seed = 1) {
  const sim = new Simulator({ seed });
  return { sim, host: sim.addHost('server') };
}

test('listen() takes the default port 50000', async (t) => {
  const { sim, host } = simServerHost();
  const server = new ChatServer({ platform: host.platform });
  t.like(await sim.until(server.listen()), { port: 50000, address: '127.0.0.1' });
  await sim.until(server.close());
});

test('a taken port: the next one is tried, and the address used is returned', async (t) => {
  const { sim, host } = simServerHost();
  for (const port of [50000, 50001, 50002]) {
    await sim.until(host.platform.net.createServer().listen(port, '0.0.0.0'));
  }
  const logged: string[] = [];
  const server = new ChatServer({
    platform: host.platform,
    host: '0.0.0.0',
    log: (line) => logged.push(line),
  });
  t.is((await sim.until(server.listen())).port, 50003);
  t.true(logged.includes('port 50000 is in use'));
  const client = await sim.until(
    LineClient.connect(sim.addHost('c').platform, 50003, host.address),
  );
  t.is(await sim.until(client.next()), 'OK|Welcome to whohas. Please enter your username');
  await sim.until(server.close());
});

test('every port tried is taken: EADDRINUSE naming the range', async (t) => {
  const { sim, host } = simServerHost();
  for (let port = 40000; port < 40003; port++) {
    await sim.until(host.platform.net.createServer().listen(port, '0.0.0.0'));
  }
  const server = new ChatServer({ platform: host.platform, port: 40000, portTries: 3 });
  const error = await t.throwsAsync(sim.until(server.listen()));
  t.is((error as { code?: string }).code, 'EADDRINUSE');
  t.regex(error!.message, /ports 40000 to 40002/);
});

test('close() tells connections mid-login too, refuses newcomers, then resolves', async (t) => {
  const { sim, host } = simServerHost();
  const server = new ChatServer({ platform: host.platform, host: '0.0.0.0' });
  await sim.until(server.listen());
  const client = await sim.until(
    LineClient.connect(sim.addHost('c').platform, 50000, host.address),
  );
  await sim.until(client.next());
  client.send('half');
  await sim.until(client.next());
  await sim.until(server.close('maintenance'));
  t.deepEqual(await sim.until(client.closed()), ['ERROR|SERVER_SHUTDOWN|maintenance']);
  const late = sim.until(LineClient.connect(sim.addHost('late').platform, 50000, host.address));
  t.is(((await t.throwsAsync(late)) as { code?: string }).code, 'ECONNREFUSED');
  t.is(server.stats.connections, 0);
});

test('a client that ignores the end is reset after closeGraceMs', async (t) => {
  const { sim, host } = simServerHost();
  const server = new ChatServer({ platform: host.platform, host: '0.0.0.0', closeGraceMs: 500 });
  await sim.until(server.listen());
  const client = await sim.until(
    LineClient.connect(sim.addHost('c').platform, 50000, host.address),
  );
  // Not reading means the FIN is never seen, so the client never closes its side.
  client.socket.pause();
  const start = sim.now;
  await sim.until(server.close());
  t.true(sim.now - start >= 500);
  t.is(server.stats.connections, 0);
});

test('bad options throw at once', (t) => {
  const { host } = simServerHost();
  const platform = host.platform;
  t.throws(() => new ChatServer({ platform, port: 70000 }), { instanceOf: RangeError });
  t.throws(() => new ChatServer({ platform, portTries: 0 }), { instanceOf: RangeError });
  t.throws(() => new ChatServer({ platform, maxLineBytes: 0 }), { instanceOf: RangeError });
  t.throws(() => new ChatServer({ platform, rateBurst: -1 }), { instanceOf: RangeError });
  t.is(
    new ChatServer({ platform, floodLimit: Number.POSITIVE_INFINITY }).limits.floodLimit,
    Infinity,
  );
});

test('listen() twice is a programming error', async (t) => {
  const { sim, host } = simServerHost();
  const server = new ChatServer({ platform: host.platform });
  await sim.until(server.listen());
  await t.throwsAsync(server.listen(), { message: /once/ });
  await sim.until(server.close());
});

test('the same seed gives the same run: lines and packet trace', async (t) => {
  const run = async () => {
    const { sim, host } = simServerHost(7);
    const server = new ChatServer({ platform: host.platform, host: '0.0.0.0' });
    await sim.until(server.listen());
    const connect = (name: string) =>
      sim.until(LineClient.connect(sim.addHost(name).platform, 50000, host.address));
    const a = await connect('a');
    const b = await connect('b');
    await sim.until(a.login('a', 'r', { create: true }));
    await sim.until(b.login('b', 'r'));
    b.socket.write('@all|one\n@a|two\n@server|get_peers\n');
    await sim.until(b.next());
    await sim.until(a.take(3));
    await sim.until(server.close());
    return { lines: [...a.lines, ...b.lines], trace: sim.traceHash(), now: sim.now };
  };
  const first = await run();
  t.deepEqual(await run(), first);
  t.true(first.lines.includes('#b|two'));
});
