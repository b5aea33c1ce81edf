import test, { type ExecutionContext } from 'ava';
import { type ChatWorld, onSim } from '../helpers/chat-world.ts';
import { answerPings, nextNotPing } from './attackers.ts';

async function pair(world: ChatWorld) {
  const alice = await world.login('alice', 'room', { create: true });
  const bob = await world.login('bob', 'room');
  await alice.next();
  return { alice, bob };
}

const TOO_LONG =
  'ERROR|LINE_TOO_LONG|Lines are limited to 64 bytes; the rest of the line was discarded';

test(
  'an oversize line is refused and discarded; the connection is kept, until it repeats',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    bob.send(`@alice|${'x'.repeat(100)}`);
    t.is(await bob.next(), TOO_LONG);
    bob.send('@alice|short');
    t.is(await alice.next(), '#bob|short');
    bob.send(`@all|${'y'.repeat(1000)}`);
    t.is(await bob.next(), TOO_LONG);
    bob.send(`@all|${'z'.repeat(65)}`);
    t.deepEqual(await bob.closed(), [`${TOO_LONG}. Too many bad lines; disconnecting`]);
    t.is(await alice.next(), 'INFO|LEFT|bob|User bob was removed by the server');
    t.is(await alice.ask('@me|still served'), '#me|still served');
    t.is(world.server.stats.badLines, 3);
    t.is(world.server.stats.cutOff, 1);
  },
  { maxLineBytes: 64 },
);

async function badBytes(
  t: ExecutionContext,
  world: ChatWorld,
  bytes: Buffer,
  text: string,
): Promise<void> {
  const { alice, bob } = await pair(world);
  bob.socket.write(Buffer.concat([Buffer.from('@alice|'), bytes, Buffer.from('\n')]));
  t.is(await bob.next(), `ERROR|BAD_ENCODING|${text}`);
  t.false(bob.isClosed);
  t.is(await alice.ask('@me|nothing came before'), '#me|nothing came before');
  t.is(world.server.stats.linesRouted, 1);
}

test('invalid UTF-8 is refused with BAD_ENCODING and not delivered', onSim, (t, world) =>
  badBytes(t, world, Buffer.from([0xc3, 0x28]), 'The line is not valid UTF-8'),
);
test('a NUL byte is refused with BAD_ENCODING and not delivered', onSim, (t, world) =>
  badBytes(t, world, Buffer.from('a\0b'), 'The line contains a NUL byte'),
);
test('an escape sequence is refused with BAD_ENCODING and not delivered', onSim, (t, world) =>
  badBytes(t, world, Buffer.from('\x1b[2J'), 'The line contains a control character'),
);

test('a login that never finishes times out; a finished one does not', onSim, async (t, world) => {
  const done = await world.login('done', 'room', { create: true });
  answerPings(done); // present, though silent: the keepalive must not drop it
  const slow = await world.connect();
  await slow.next();
  slow.send('slowpoke');
  t.regex(await slow.next(), /^OK\|Username slowpoke accepted/);
  await world.sleep(59_000);
  t.false(slow.isClosed);
  t.deepEqual(await slow.closed(), ['ERROR|LOGIN_TIMEOUT|Login not finished within 60000 ms']);
  t.is(world.server.stats.cutOff, 1);
  await world.sleep(120_000);
  done.send('@me|alive');
  t.is(await nextNotPing(done), '#me|alive');
  // The timed-out username is free again.
  await world.login('slowpoke', 'room');
});

test(
  'lines over the token bucket are refused with RATE_LIMITED, and allowed again later',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    await world.sleep(2_000); // the dialog's lines used tokens too: let the bucket fill
    bob.socket.write('@alice|m\n'.repeat(13));
    const received = await alice.take(10);
    t.deepEqual(received, Array(10).fill('#bob|m'));
    t.deepEqual(
      await bob.take(3),
      Array(3).fill('ERROR|RATE_LIMITED|Over 5 lines per second; the line was dropped'),
    );
    t.is(world.server.stats.linesRateLimited, 3);
    await world.sleep(1_000);
    bob.send('@alice|later');
    t.is(await alice.next(), '#bob|later');
    t.false(bob.isClosed);
  },
  { rateLinesPerSecond: 5, rateBurst: 10, floodLimit: 50 },
);

test(
  'a client over its rate is not read again until its bucket is full: later lines wait, unrefused',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    await world.sleep(2_000);
    bob.socket.write('@alice|m\n'.repeat(11));
    await alice.take(10);
    t.is(await bob.next(), 'ERROR|RATE_LIMITED|Over 5 lines per second; the line was dropped');
    const refusedAt = world.sim!.now;
    bob.send('@alice|held back');
    t.is(await alice.next(), '#bob|held back');
    // 10 tokens at 5 a second: the server read bob again only once the bucket was full.
    t.true(world.sim!.now - refusedAt > 1_900, `read again after ${world.sim!.now - refusedAt} ms`);
    t.is(world.server.stats.linesRateLimited, 1);
    t.deepEqual(bob.unread, []);
  },
  { rateLinesPerSecond: 5, rateBurst: 10, floodLimit: 50 },
);

test(
  'persistent flooding disconnects with FLOODING; the others keep being served',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    const carol = await world.login('carol', 'room');
    await alice.next();
    await bob.next();
    await world.sleep(2_000); // the dialog's lines used tokens too: let the bucket fill
    bob.socket.write('@all|spam\n'.repeat(200));
    const rest = await bob.closed();
    t.is(rest.at(-1), 'ERROR|FLOODING|Too many lines over the rate limit; disconnecting');
    t.is(rest.filter((line) => line.startsWith('ERROR|RATE_LIMITED|')).length, 19);
    t.is(
      await alice.until((line) => line.startsWith('INFO')),
      'INFO|LEFT|bob|User bob was removed by the server',
    );
    t.is(alice.lines.filter((line) => line === '#bob|spam').length, 10);
    alice.send('@carol|are you there');
    t.is(
      await carol.until((line) => !line.startsWith('#bob|') && !line.startsWith('INFO')),
      '#alice|are you there',
    );
    t.is(world.server.stats.cutOff, 1);
  },
  { rateLinesPerSecond: 5, rateBurst: 10, floodLimit: 20 },
);

test(
  'a client that never reads is cut off at the outbox cap; the sender is unaffected',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    bob.socket.pause();
    const chunk = `@bob|${'p'.repeat(1000)}`;
    let sent = 0;
    while (!alice.unread.some((line) => line.startsWith('INFO|LEFT|bob'))) {
      t.true(sent < 1000, 'bob should have been cut off long before 1 MB');
      alice.send(chunk);
      sent += 1;
      await world.sleep(1);
    }
    t.is(
      await alice.until((line) => line.startsWith('INFO')),
      'INFO|LEFT|bob|User bob was removed by the server',
    );
    t.is(world.server.stats.cutOff, 1);
    t.is(world.server.stats.connections, 1);
    t.is(await alice.ask('@me|fine'), '#me|fine');
  },
  { maxOutboxBytes: 32 * 1024, rateLinesPerSecond: 1e6, rateBurst: 1e6, stallTimeoutMs: 1e9 },
);

test(
  'a client whose buffer stays full past stallTimeoutMs is cut off',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    bob.socket.pause();
    // Enough to fill the network window and pass the server's high-water mark, far below the cap.
    for (let i = 0; i < 120; i++) alice.send(`@bob|${'q'.repeat(1000)}`);
    await world.sleep(4_000);
    t.false(alice.unread.some((line) => line.startsWith('INFO')));
    await world.sleep(2_000);
    t.is(await alice.next(), 'INFO|LEFT|bob|User bob was removed by the server');
    t.is(world.server.stats.cutOff, 1);
  },
  { maxOutboxBytes: 10e6, stallTimeoutMs: 5_000, rateLinesPerSecond: 1e6, rateBurst: 1e6 },
);

test(
  'a client that stops reading and half-closes is reset after closeGraceMs',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    bob.socket.pause();
    // More than the network window and the high-water mark hold: the server's end cannot flush.
    for (let i = 0; i < 120; i++) alice.send(`@bob|${'h'.repeat(1000)}`);
    await world.sleep(100);
    bob.socket.end();
    t.is(await alice.next(), 'INFO|LEFT|bob|User bob disconnected');
    await world.sleep(3_000);
    t.is(world.server.stats.connections, 1);
    t.is(await alice.ask('@me|still served'), '#me|still served');
  },
  { maxOutboxBytes: 10e6, stallTimeoutMs: 1e9, rateLinesPerSecond: 1e6, rateBurst: 1e6 },
);

test(
  'a connection over the cap is refused with SERVER_FULL; a place freed is taken again',
  onSim,
  async (t, world) => {
    const { alice, bob } = await pair(world);
    const third = await world.connect();
    t.deepEqual(await third.closed(), ['ERROR|SERVER_FULL|The server is full (2 connections)']);
    t.is(world.server.stats.refusedFull, 1);
    t.is(await alice.ask('@me|served'), '#me|served');
    bob.send('@server|exit');
    await bob.closed();
    await alice.next();
    await world.sleep(10); // until the server has seen the connection close
    await world.login('carol', 'room');
  },
  { maxConnections: 2 },
);

test('a disconnect in the middle of the login leaves nothing behind', onSim, async (t, world) => {
  const quitter = await world.connect();
  await quitter.next();
  quitter.socket.write('quitter\ncreate\nhalfroom\nye');
  await quitter.take(3);
  quitter.socket.destroy();
  await world.sleep(10);
  t.is(world.server.stats.connections, 0);
  await world.login('quitter', 'halfroom', { create: true });
  t.is(world.server.stats.rooms, 1);
});
