/**
 * Idle and dead connections (issue "Murphy's law, proven": a vanished client held its name and
 * seat for at least 150 s; 1,030 silent logged-in sessions kept the server full for good).
 * After pingIdleMs (60 s) without a line the server sends `PING|<token>`; any line is an answer;
 * nothing within pingTimeoutMs (60 s) and the session is dropped: name freed, LEFT sent.
 */
import test from 'ava';
import { ChatConnection } from '../../impl/peer/chat-connection.ts';
import { onSim } from '../helpers/chat-world.ts';
import { address, answerPings, nextNotPing } from './attackers.ts';

test(
  'a client that vanishes without FIN or RST is gone within 120 s: name freed, LEFT sent',
  onSim,
  async (t, world) => {
    const alice = await world.login('alice', 'room', { create: true });
    answerPings(alice);
    await world.login('bob', 'room'); // on host client2
    await alice.next();
    const sim = world.sim!;
    sim.partition('client2', 'server');
    const start = sim.now;
    t.is(await nextNotPing(alice), 'INFO|LEFT|bob|User bob disconnected');
    const gone = sim.now - start;
    // Before: bob still in PEERS, his name NAME_TAKEN, at 150 s and beyond.
    t.true(gone <= 120_000 && gone >= 60_000, `gone after ${gone} ms`);
    await world.login('bob', 'room');
    t.is(world.server.stats.pingTimeouts, 1);
  },
);

test(
  'silent logged-in sessions cannot hold seats: they are dropped and a newcomer gets in',
  onSim,
  async (t, world) => {
    const squat = address(world, 'squatter');
    const first = await squat.connect();
    await first.login('s0', 'den', { create: true });
    for (let i = 1; i < 5; i++) await (await squat.connect()).login(`s${i}`, 'den');
    const early = await world.connect();
    t.deepEqual(await early.closed(), ['ERROR|SERVER_FULL|The server is full (5 connections)']);
    await world.sleep(61_000);
    t.is(first.unread.at(-1), 'PING|1');
    await world.sleep(60_000);
    t.regex((await first.closed()).at(-1)!, /^ERROR\|PING_TIMEOUT\|/);
    await world.login('newcomer', 'room', { create: true });
  },
  { maxConnections: 5 },
);

test(
  'a netcat user who types slowly is never pinged; one who answers PONG (or anything) stays',
  onSim,
  async (t, world) => {
    const slow = await world.login('slow', 'room', { create: true });
    const away = await world.login('away', 'room');
    await slow.next();
    // slow types a line every 45 s; away is pinged 60 s after its last line, and answers
    // 30 s later (a human at leisure): with PONG, which gets no reply, or with anything.
    for (let round = 0; round < 10; round++) {
      await world.sleep(45_000);
      t.is(await slow.ask('@me|still typing'), '#me|still typing');
      await world.sleep(45_000);
      t.is(await slow.ask('@me|still typing'), '#me|still typing');
      t.deepEqual(away.unread, [`PING|${round + 1}`]);
      await away.next();
      if (round % 2 === 0) away.send('PONG');
      else t.is(await away.ask('@me|back'), '#me|back');
    }
    await world.sleep(1_000);
    t.false(away.isClosed);
    t.false(slow.unread.some((line) => line.startsWith('PING')));
    t.false(away.unread.some((line) => line.startsWith('ERROR')));
    t.is(await away.ask('@server|get_peers'), 'PEERS|slow|away');
  },
);

test(
  'the whohas peer connection answers PING by itself and is never dropped',
  onSim,
  async (t, world) => {
    const alice = await world.login('alice', 'room', { create: true });
    answerPings(alice);
    const { host } = address(world, 'peer');
    const socket = await host.platform.net.connect(world.port, world.sim!.host('server').address);
    const connection = new ChatConnection(socket);
    const seen: string[] = [];
    connection.on('line', (line) => seen.push(line));
    for (const answer of ['bob', 'join', 'room']) connection.send(answer);
    await alice.next();
    await world.sleep(10 * 60_000);
    t.false(connection.closed);
    alice.send('@server|get_peers');
    t.is(await nextNotPing(alice), 'PEERS|alice|bob');
    t.false(seen.some((line) => line.startsWith('ERROR')));
  },
);
