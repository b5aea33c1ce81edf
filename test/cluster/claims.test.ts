/**
 * Cluster-wide uniqueness: usernames and room names are claimed in Redis by Lua scripts, so two
 * servers asked for one name at the same instant give one success and one refusal.
 */
import { Redis } from 'ioredis';
import { nameKey } from '../../impl/chat/wire.ts';
import { redisTest, withCluster } from '../helpers/redis-cluster.ts';

const test = redisTest();

test('a name taken on one server is refused on the others', async (t) => {
  await withCluster(t, 3, async ({ user, connect }) => {
    await user(0, 'ann', 'lab', true);
    const other = await connect(2);
    await other.expect('OK|Welcome to whohas');
    // Another spelling of the same name (here, capitals) is the same name.
    t.is(await other.ask('ANN'), 'ERROR|NAME_TAKEN|The username ANN is taken');
  });
});

// Sixty races: without the atomic claim, both servers' local checks pass and both accept.
test('two logins of one name at the same instant on two servers: one OK, one NAME_TAKEN', async (t) => {
  await withCluster(t, 2, async ({ connect }) => {
    for (let round = 0; round < 60; round += 1) {
      const [a, b] = await Promise.all([connect(0), connect(1)]);
      await Promise.all([a.expect('OK|Welcome to whohas'), b.expect('OK|Welcome to whohas')]);
      const name = `racer${round}`;
      a.send(name);
      b.send(name);
      const replies = await Promise.all([a.next(), b.next()]);
      const verdicts = replies.map((line) => (line.startsWith('OK|Username') ? 'OK' : line));
      t.deepEqual(verdicts.sort(), [`ERROR|NAME_TAKEN|The username ${name} is taken`, 'OK']);
      a.destroy();
      b.destroy();
    }
  });
});

test('two creators of one room on two servers: one creates it, the other hears ROOM_EXISTS', async (t) => {
  await withCluster(t, 2, async ({ connect }) => {
    for (let round = 0; round < 20; round += 1) {
      const [a, b] = await Promise.all([connect(0), connect(1)]);
      for (const [client, name] of [
        [a, `maker${round}x`],
        [b, `maker${round}y`],
      ] as const) {
        await client.expect('OK|Welcome to whohas');
        client.send(name);
        client.send('create');
      }
      await Promise.all([a.expect('OK|Specify'), b.expect('OK|Specify')]);
      a.send(`room${round}`);
      b.send(`room${round}`);
      const replies = (await Promise.all([a.next(), b.next()])).map((line) => line.split('|')[1]);
      t.deepEqual(
        replies.sort(),
        [
          'Chatroom room' + round + ' created. Do you want to password protect the room?',
          'ROOM_EXISTS',
        ].sort(),
      );
      a.destroy();
      b.destroy();
    }
  });
});

test('a private room across servers: its password is a scrypt hash in Redis, get_passwd works for members', async (t) => {
  await withCluster(t, 2, async ({ redis, user, connect }) => {
    const owner = await connect(0);
    await owner.login('own', 'secret-room', { create: true, password: 'hunter22' });
    const watcher = await user(1, 'watcher', 'elsewhere', true);
    const guest = await connect(1);
    await guest.expect('OK|Welcome to whohas');
    guest.send('bob');
    guest.send('join');
    await guest.expect('ROOMS');
    t.is(
      await guest.ask('secret-room'),
      'OK|Chatroom secret-room is password protected. Send the password.',
    );
    t.is(
      await guest.ask('wrong-one'),
      'ERROR|WRONG_PASSWORD|Wrong password for chatroom secret-room',
    );
    guest.send('hunter22');
    await guest.expect('OK|Welcome to secret-room');
    t.is(await guest.ask('@server|get_passwd'), 'PASSWD|secret-room|private|hunter22');
    owner.send('@server|get_passwd');
    t.is(await owner.expect('PASSWD'), 'PASSWD|secret-room|private|hunter22');
    t.is(
      await watcher.ask('@server|get_passwd|secret-room'),
      'ERROR|NOT_A_MEMBER|Only members of secret-room may see its password',
    );
    const direct = new Redis(redis.url);
    try {
      const dump: string[] = [];
      for (const key of await direct.keys('*')) {
        const type = await direct.type(key);
        if (type === 'string') dump.push(String(await direct.get(key)));
        if (type === 'hash') dump.push(JSON.stringify(await direct.hgetall(key)));
        if (type === 'set') dump.push(...(await direct.smembers(key)));
      }
      t.false(dump.join(' ').includes('hunter22'), 'the clear password is nowhere in Redis');
      const room = await direct.hgetall(`whohas:room:${nameKey('secret-room')}`);
      t.regex(room.salt, /^[0-9a-f]{32}$/);
      t.regex(room.hash, /^[0-9a-f]{64}$/);
    } finally {
      direct.disconnect();
    }
  });
});
