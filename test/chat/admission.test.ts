/**
 * Slowloris in the login dialog (issue "Murphy's law, proven": 1,100 parked connections kept
 * newcomers out with SERVER_FULL for 61 s, for good when re-parked). Connections are capped per
 * address (before login and in all), and a full server makes room for a newcomer by ending the
 * oldest dialog once it has had its shortened deadline.
 */
import test from 'ava';
import type { LineClient } from '../../harness/line-client.ts';
import { onSim } from '../helpers/chat-world.ts';
import { address, codeOf } from './attackers.ts';

/** Opens `n` connections and returns each one's first line. */
async function park(connect: () => Promise<LineClient>, n: number) {
  const clients: LineClient[] = [];
  for (let i = 0; i < n; i++) clients.push(await connect());
  const first = await Promise.all(clients.map((client) => client.next()));
  return { clients, first };
}

test(
  'one address cannot park more than maxLoginsPerAddress dialogs; a newcomer gets in',
  onSim,
  async (t, world) => {
    const { first } = await park(address(world, 'attacker').connect, 40);
    // Before the caps: 40 greetings, and the newcomer got SERVER_FULL.
    t.is(first.filter((line) => line.startsWith('OK|Welcome to whohas')).length, 32);
    t.is(first.filter((line) => codeOf(line) === 'TOO_MANY_CONNECTIONS').length, 8);
    t.regex(first.at(-1)!, /^ERROR\|TOO_MANY_CONNECTIONS\|32 logins in progress from your address/);
    await world.login('newcomer', 'room', { create: true });
    t.is(world.server.stats.refusedAddress, 8);
  },
  { maxConnections: 40 },
);

test(
  'one address cannot hold more than maxConnectionsPerAddress connections, logged in or not',
  onSim,
  async (t, world) => {
    const home = address(world, 'home');
    const first = await home.connect();
    await first.login('u0', 'room', { create: true });
    for (let i = 1; i < 3; i++) await (await home.connect()).login(`u${i}`, 'room');
    const fourth = await home.connect();
    t.deepEqual(await fourth.closed(), [
      'ERROR|TOO_MANY_CONNECTIONS|3 connections from your address; close one first',
    ]);
    await world.login('elsewhere', 'room');
  },
  { maxConnectionsPerAddress: 3 },
);

test(
  'parked dialogs from many addresses keep a newcomer out for at most pressureLoginTimeoutMs',
  onSim,
  async (t, world) => {
    const parked: LineClient[] = [];
    const bots = Array.from({ length: 20 }, (_, a) => address(world, `bot${a}`));
    for (const bot of bots) parked.push(...(await park(bot.connect, 1)).clients);
    const early = await world.connect();
    t.deepEqual(await early.closed(), ['ERROR|SERVER_FULL|The server is full (20 connections)']);
    // The 10 parked under pressure time out at 10 s; the attacker re-parks their places at once.
    await world.sleep(10_100);
    t.is(parked.filter((client) => client.isClosed).length, 10);
    for (let a = 0; a < 10; a++) await park(address(world, `again${a}`).connect, 1);
    // Before: SERVER_FULL for the whole 60 s login timeout, and for good while re-parked.
    // Now the oldest dialog, 10 s old, gives way to the newcomer.
    const newcomer = await world.connect();
    t.is(await newcomer.next(), 'OK|Welcome to whohas. Please enter your username');
    const evictedAt = world.sim!.now;
    t.deepEqual(await parked[0].closed(), [
      'ERROR|LOGIN_TIMEOUT|Login not finished within 10000 ms (the server is busy)',
    ]);
    t.true(world.sim!.now - evictedAt < 100);
    t.is(world.server.stats.evicted, 1);
    // A parker reconnecting from an address with a dialog in progress, or one just ended, does
    // not get to end another: the places freed go to newcomers.
    for (const bot of [bots[1], bots[0]]) {
      const parker = await bot.connect();
      t.regex((await parker.closed())[0], /^ERROR\|SERVER_FULL\|/);
    }
    t.is(world.server.stats.evicted, 1);
    const second = await world.login('second', 'room', { create: true });
    t.false(second.isClosed);
  },
  { maxConnections: 20 },
);

test(
  'under pressure a new dialog gets the short deadline; without pressure the full one',
  onSim,
  async (t, world) => {
    const calm = await world.connect();
    await calm.next();
    for (let a = 0; a < 10; a++) await park(address(world, `bot${a}`).connect, 1);
    const pressed = await world.connect();
    await pressed.next();
    await world.sleep(10_500);
    t.deepEqual(await pressed.closed(), [
      'ERROR|LOGIN_TIMEOUT|Login not finished within 10000 ms (the server is busy)',
    ]);
    t.false(calm.isClosed);
  },
  { maxConnections: 20 },
);
