import test, { type ExecutionContext } from 'ava';
import type { LineClient } from '../../harness/line-client.ts';
import { type ChatWorld, onSim } from '../helpers/chat-world.ts';

/** Sends each answer and reads one reply line per answer. */
async function converse(client: LineClient, answers: string[]): Promise<string[]> {
  const replies: string[] = [];
  for (const answer of answers) {
    client.send(answer);
    replies.push(await client.next());
  }
  return replies;
}

async function greeted(world: ChatWorld): Promise<LineClient> {
  const client = await world.connect();
  const greeting = await client.next();
  if (greeting !== 'OK|Welcome to whohas. Please enter your username') throw new Error(greeting);
  return client;
}

test(
  'the 2016 screenshots: create a public room, then another user joins it',
  onSim,
  async (t, world) => {
    const eswar = await greeted(world);
    t.deepEqual(await converse(eswar, ['eswar', 'create', 'chatroom']), [
      'OK|Username eswar accepted. Send create/join a chatroom',
      'OK|Specify a chatroom name to create.',
      'OK|Chatroom chatroom created. Do you want to password protect the room?',
    ]);
    eswar.send('no');
    t.deepEqual(await eswar.take(2), [
      'OK|Chatroom has been made public.',
      'OK|Welcome to chatroom. You are all set to pass messages',
    ]);

    const eko = await greeted(world);
    eko.send('eko');
    eko.send('join');
    eko.send('chatroom');
    t.deepEqual(await eko.take(6), [
      'OK|Username eko accepted. Send create/join a chatroom',
      'OK|Here is a list of chatrooms you can join.',
      'ROOMS|chatroom',
      'OK|You have joined chatroom - chatroom',
      'PEERS|eswar',
      'OK|Welcome to chatroom. You are all set to pass messages',
    ]);
    t.is(await eswar.next(), 'INFO|JOINED|eko|New user eko has joined');
    t.is(world.server.stats.users, 2);
    t.is(world.server.stats.rooms, 1);
  },
);

test('a password-protected room: create, wrong guess, right guess', onSim, async (t, world) => {
  const owner = await greeted(world);
  owner.send('owner');
  owner.send('create');
  owner.send('secret');
  owner.send('YES');
  await owner.take(4);
  owner.send('hunter 2');
  t.deepEqual(await owner.take(2), [
    'OK|Chatroom secret is now password protected.',
    'OK|Welcome to secret. You are all set to pass messages',
  ]);
  const guest = await greeted(world);
  t.deepEqual(await converse(guest, ['guest', 'join']), [
    'OK|Username guest accepted. Send create/join a chatroom',
    'OK|Here is a list of chatrooms you can join.',
  ]);
  t.is(await guest.next(), 'ROOMS|secret');
  t.deepEqual(await converse(guest, ['Secret', 'hunter', '  hunter 2 ']), [
    'OK|Chatroom secret is password protected. Send the password.',
    'ERROR|WRONG_PASSWORD|Wrong password for chatroom secret',
    'OK|You have joined chatroom - secret',
  ]);
  t.deepEqual(await guest.take(2), [
    'PEERS|owner',
    'OK|Welcome to secret. You are all set to pass messages',
  ]);
  guest.send('@server|get_passwd');
  t.is(await guest.next(), 'PASSWD|secret|private|hunter 2');
});

async function refusedUsername(
  t: ExecutionContext,
  world: ChatWorld,
  name: string,
  code: string,
): Promise<void> {
  const taken = await greeted(world);
  await converse(taken, ['Eko']);
  const client = await greeted(world);
  const [reply] = await converse(client, [name]);
  t.is(reply.split('|').slice(0, 2).join('|'), `ERROR|${code}`);
  t.is(reply.split('|').length, 3);
  // The step is repeated: a good name is still accepted.
  t.deepEqual(await converse(client, ['fine']), [
    'OK|Username fine accepted. Send create/join a chatroom',
  ]);
}

const usernameCases: [string, string][] = [
  ['server', 'RESERVED_NAME'],
  ['ALL', 'RESERVED_NAME'],
  ['me', 'RESERVED_NAME'],
  ['root', 'RESERVED_NAME'],
  ['eko', 'NAME_TAKEN'],
  ['a'.repeat(33), 'BAD_NAME'],
  ['two words', 'BAD_NAME'],
  ['pipe|name', 'BAD_NAME'],
  ['x@y', 'BAD_NAME'],
  ['hash#tag', 'BAD_NAME'],
];
for (const [name, code] of usernameCases) {
  test(`username ${JSON.stringify(name)} is refused with ${code}`, onSim, (t, world) =>
    refusedUsername(t, world, name, code),
  );
}

test('a 32-character name and a non-ASCII name are fine', onSim, async (t, world) => {
  const a = await greeted(world);
  t.regex((await converse(a, ['é'.repeat(32)]))[0], /^OK\|Username é{32} accepted/);
  const b = await greeted(world);
  t.regex((await converse(b, ['日本']))[0], /^OK\|Username 日本 accepted/);
});

test(
  'bad choices, bad room names, taken rooms and unknown rooms are refused',
  onSim,
  async (t, world) => {
    await world.login('first', 'lobby', { create: true });
    const client = await greeted(world);
    t.deepEqual(await converse(client, ['c', 'maybe', 'create', 'LOBBY', 'has space']), [
      'OK|Username c accepted. Send create/join a chatroom',
      'ERROR|BAD_CHOICE|Send create or join',
      'OK|Specify a chatroom name to create.',
      'ERROR|ROOM_EXISTS|Chatroom LOBBY already exists',
      'ERROR|BAD_ROOM_NAME|Bad room name: it contains whitespace, a control character, @, # or a vertical bar',
    ]);
    t.deepEqual(await converse(client, ['other', 'perhaps']), [
      'OK|Chatroom other created. Do you want to password protect the room?',
      'ERROR|BAD_CHOICE|Send yes or no',
    ]);
    const joiner = await greeted(world);
    await converse(joiner, ['j', 'join']);
    // The room being created is not listed or joinable until its creator answers.
    t.is(await joiner.next(), 'ROOMS|lobby');
    t.deepEqual(await converse(joiner, ['other']), ['ERROR|NO_SUCH_ROOM|No chatroom named other']);
  },
);

test('join when no room exists says so and the step is repeated', onSim, async (t, world) => {
  const client = await greeted(world);
  t.deepEqual(await converse(client, ['solo', 'join', 'create']), [
    'OK|Username solo accepted. Send create/join a chatroom',
    'ERROR|NO_SUCH_ROOM|There are no chatrooms yet. Send create to make one',
    'OK|Specify a chatroom name to create.',
  ]);
});

test(
  'five refused answers at one step: TOO_MANY_TRIES and the server hangs up',
  onSim,
  async (t, world) => {
    const client = await greeted(world);
    for (const name of ['all', 'me', 'root', 'server']) client.send(name);
    await client.take(4);
    client.send('a b');
    t.is(
      await client.next(),
      'ERROR|BAD_NAME|Bad username: it contains whitespace, a control character, @, # or a vertical bar',
    );
    t.deepEqual(await client.closed(), ['ERROR|TOO_MANY_TRIES|5 refused answers; disconnecting']);
    t.is(world.server.stats.cutOff, 1);
  },
);

test('tries are counted per step', onSim, async (t, world) => {
  const client = await greeted(world);
  for (let i = 0; i < 4; i++) client.send('all');
  client.send('ok');
  for (let i = 0; i < 4; i++) client.send('nope');
  client.send('create');
  const replies = await client.take(10);
  t.is(replies[9], 'OK|Specify a chatroom name to create.');
  t.false(client.isClosed);
});

test(
  'lines before login that are not login answers: NOT_LOGGED_IN, counted as tries',
  onSim,
  async (t, world) => {
    const client = await greeted(world);
    t.deepEqual(await converse(client, ['@all|hello', '#eko|fake']), [
      'ERROR|NOT_LOGGED_IN|Finish the login first: send your username',
      'ERROR|NOT_LOGGED_IN|Finish the login first: send your username',
    ]);
    t.deepEqual(await converse(client, ['u', '@server|get_rooms']), [
      'OK|Username u accepted. Send create/join a chatroom',
      'ERROR|NOT_LOGGED_IN|Finish the login first: send create or join',
    ]);
    t.is(world.server.stats.linesRouted, 0);
  },
);

test('empty lines and surrounding blanks are ignored in the dialog', onSim, async (t, world) => {
  const client = await greeted(world);
  client.send('');
  client.send('  \t');
  client.send(' spaced\t');
  t.is(await client.next(), 'OK|Username spaced accepted. Send create/join a chatroom');
  t.deepEqual(client.unread, []);
});

test(
  'a room being created is reserved, and freed if its creator vanishes',
  onSim,
  async (t, world) => {
    const creator = await greeted(world);
    await converse(creator, ['creator', 'create', 'pending']);
    const rival = await greeted(world);
    t.deepEqual(await converse(rival, ['rival', 'create', 'pending']), [
      'OK|Username rival accepted. Send create/join a chatroom',
      'OK|Specify a chatroom name to create.',
      'ERROR|ROOM_EXISTS|Chatroom pending already exists',
    ]);
    creator.socket.destroy();
    await world.sleep(100);
    t.deepEqual(await converse(rival, ['pending']), [
      'OK|Chatroom pending created. Do you want to password protect the room?',
    ]);
    // The vanished creator's username is free again too.
    const again = await greeted(world);
    t.deepEqual(await converse(again, ['creator']), [
      'OK|Username creator accepted. Send create/join a chatroom',
    ]);
  },
);

test('answers sent ahead (pipelined) are processed in order', onSim, async (t, world) => {
  const client = await world.connect();
  client.socket.write('pipe\r\ncreate\r\npiped\r\nno\r\n@me|hi\r\n');
  t.deepEqual(await client.take(7), [
    'OK|Welcome to whohas. Please enter your username',
    'OK|Username pipe accepted. Send create/join a chatroom',
    'OK|Specify a chatroom name to create.',
    'OK|Chatroom piped created. Do you want to password protect the room?',
    'OK|Chatroom has been made public.',
    'OK|Welcome to piped. You are all set to pass messages',
    '#me|hi',
  ]);
});

test(
  'a private room that empties while its password is typed: NO_SUCH_ROOM, back to the choice',
  onSim,
  async (t, world) => {
    const owner = await world.login('owner', 'vault', { create: true, password: 'pw' });
    const guest = await greeted(world);
    await converse(guest, ['guest', 'join']);
    await guest.next();
    t.deepEqual(await converse(guest, ['vault']), [
      'OK|Chatroom vault is password protected. Send the password.',
    ]);
    owner.send('@server|exit');
    await owner.closed();
    await world.sleep(10);
    t.deepEqual(await converse(guest, ['pw', 'create']), [
      'ERROR|NO_SUCH_ROOM|Chatroom vault no longer exists. Send create/join a chatroom',
      'OK|Specify a chatroom name to create.',
    ]);
  },
);
