import test from 'ava';
import { onSim, threeUsers } from '../helpers/chat-world.ts';

test('msg and all send #server|text', onSim, async (t, world) => {
  const { eswar, eko, bob } = await threeUsers(world);
  t.deepEqual(world.server.admin.execute('msg EKO hello there'), ['sent to eko']);
  t.is(await eko.next(), '#server|hello there');
  t.deepEqual(world.server.admin.execute('all maintenance at noon'), ['sent to 3 users']);
  for (const client of [eswar, eko, bob]) t.is(await client.next(), '#server|maintenance at noon');
  t.deepEqual(world.server.admin.execute('msg nobody hi'), ['no user nobody']);
  t.deepEqual(world.server.admin.execute('msg eko'), ['usage: msg <user> <text>']);
});

test('rooms, peers, users and stats list what is there', onSim, async (t, world) => {
  await threeUsers(world);
  const admin = world.server.admin;
  t.deepEqual(admin.execute('rooms'), ['chatroom public 2 users', 'other private 1 users']);
  t.deepEqual(admin.execute('peers chatroom'), ['eswar', 'eko']);
  t.deepEqual(admin.execute('peers nowhere'), ['no room nowhere']);
  t.deepEqual(admin.execute('users'), ['eswar chatroom', 'eko chatroom', 'bob other']);
  const stats = admin.execute('stats');
  t.true(stats.includes('users 3'));
  t.true(stats.includes('rooms 2'));
});

test('kill tells the user why, and the room hears it', onSim, async (t, world) => {
  const { eswar, eko } = await threeUsers(world);
  t.deepEqual(world.server.admin.execute('kill eko spamming the room'), ['killed eko']);
  t.deepEqual(await eko.closed(), ['ERROR|KILLED|spamming the room']);
  t.is(await eswar.next(), 'INFO|LEFT|eko|User eko was removed by the server');
  t.deepEqual(world.server.admin.execute('kill eko'), ['no user eko']);
  t.is(world.server.stats.killed, 1);
});

test('close tells every member and the room disappears', onSim, async (t, world) => {
  const { eswar, eko, bob } = await threeUsers(world);
  t.deepEqual(world.server.admin.execute('close chatroom'), [
    'closed chatroom: 2 users disconnected',
  ]);
  const closed = 'ERROR|ROOM_CLOSED|Chatroom chatroom was closed by the server admin';
  t.deepEqual(await eswar.closed(), [closed]);
  t.deepEqual(await eko.closed(), [closed]);
  t.is(await bob.ask('@server|get_rooms'), 'ROOMS|other');
  t.deepEqual(world.server.admin.execute('rooms'), ['other private 1 users']);
});

test(
  'exit tells every connection, logged in or not, and closes the server',
  onSim,
  async (t, world) => {
    const { eswar, eko, bob } = await threeUsers(world);
    const halfway = await world.connect();
    await halfway.next();
    t.deepEqual(world.server.admin.execute('exit back soon'), ['shutting down: every client told']);
    for (const client of [eswar, eko, bob, halfway]) {
      t.deepEqual(await client.closed(), ['ERROR|SERVER_SHUTDOWN|back soon']);
    }
    await world.server.closed;
    t.is(world.server.stats.connections, 0);
  },
);

test('help lists every command; unknown ones say so', onSim, async (t, world) => {
  const admin = world.server.admin;
  const help = admin.execute('help').join('\n');
  for (const command of [
    'msg',
    'all',
    'kill',
    'rooms',
    'peers',
    'users',
    'close',
    'stats',
    'exit',
  ]) {
    t.regex(help, new RegExp(`^${command}\\b`, 'm'));
  }
  t.deepEqual(admin.execute('   '), []);
  t.deepEqual(admin.execute('reboot'), ['unknown command reboot; try help']);
  t.deepEqual(admin.execute('rooms'), ['no rooms']);
});
