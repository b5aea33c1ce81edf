/**
 * The admin console of any server reaches the whole cluster: `servers` lists every node and its
 * users, `msg`, `kill` and `close` reach users on other servers, `exit --cluster` stops them all.
 */
import { redisTest, withCluster } from '../helpers/redis-cluster.ts';

const test = redisTest();

test('servers lists every node with its users', async (t) => {
  await withCluster(t, 3, async ({ servers, user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    await user(1, 'bob', 'lab');
    await user(2, 'cy', 'lab');
    await ann.expect('INFO|JOINED|cy');
    t.deepEqual(servers[1].server.admin.execute('servers'), [
      'n1 1 users ann',
      'n2 1 users bob',
      'n3 1 users cy',
    ]);
  });
});

test('msg and kill from one server reach a user on another', async (t) => {
  await withCluster(t, 2, async ({ servers, user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const bob = await user(1, 'bob', 'lab');
    await ann.expect('INFO|JOINED|bob');
    const admin = servers[0].server.admin;
    t.deepEqual(admin.execute('msg bob hello from n1'), ['sent to bob']);
    t.is(await bob.expect('#server'), '#server|hello from n1');
    t.deepEqual(admin.execute('kill bob spamming'), ['killed bob']);
    t.is(await bob.expect('ERROR|KILLED'), 'ERROR|KILLED|spamming');
    await bob.whenClosed();
    t.is(await ann.expect('INFO|LEFT'), 'INFO|LEFT|bob|User bob was removed by the server');
  });
});

test('close ends a room whose members are on several servers', async (t) => {
  await withCluster(t, 3, async ({ servers, user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const bob = await user(1, 'bob', 'lab');
    const cy = await user(2, 'cy', 'other', true);
    await ann.expect('INFO|JOINED|bob');
    t.deepEqual(servers[2].server.admin.execute('close lab'), ['closed lab: 2 users disconnected']);
    for (const member of [ann, bob]) {
      t.is(
        await member.expect('ERROR|ROOM_CLOSED'),
        'ERROR|ROOM_CLOSED|Chatroom lab was closed by the server admin',
      );
      await member.whenClosed();
    }
    t.false(cy.isClosed, 'the other room stays open');
    // Each member's own server frees the room in Redis as it sees its member go: a moment after
    // the clients are cut off, not before (a single ask raced it 1 run in 4). Bounded: 40 asks.
    let rooms = '';
    for (let ask = 0; ask < 40 && rooms !== 'ROOMS|other'; ask++) {
      if (ask > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      rooms = await cy.ask('@server|get_rooms');
    }
    t.is(rooms, 'ROOMS|other');
  });
});

test('exit --cluster stops every server; exit stops one', async (t) => {
  await withCluster(t, 3, async ({ servers, user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const bob = await user(1, 'bob', 'lab');
    const cy = await user(2, 'cy', 'lab');
    await ann.expect('INFO|JOINED|cy');
    t.deepEqual(servers[2].server.admin.execute('exit'), ['shutting down: every client told']);
    await servers[2].server.closed;
    t.is(await ann.expect('INFO|LEFT'), 'INFO|LEFT|cy|User cy disconnected');
    t.true(cy.isClosed || (await cy.whenClosed()) === undefined);
    t.deepEqual(servers[0].server.admin.execute('exit --cluster maintenance'), [
      'shutting down every server of the cluster',
    ]);
    await Promise.all([servers[0].server.closed, servers[1].server.closed]);
    t.is(await ann.expect('ERROR|SERVER_SHUTDOWN'), 'ERROR|SERVER_SHUTDOWN|maintenance');
    t.is(await bob.expect('ERROR|SERVER_SHUTDOWN'), 'ERROR|SERVER_SHUTDOWN|maintenance');
  });
});

test('whohas, have and getfile lines travel between servers as written (a real transfer: transfer.test.ts)', async (t) => {
  await withCluster(t, 2, async ({ user }) => {
    const asker = await user(0, 'asker', 'files', true);
    const owner = await user(1, 'owner', 'files');
    await asker.expect('INFO|JOINED|owner');
    asker.send('@all|whohas|notes.txt');
    t.is(await owner.expect('#asker'), '#asker|whohas|notes.txt');
    owner.send('@asker|have|notes.txt|1234|127.0.0.1');
    t.is(await asker.expect('#owner'), '#owner|have|notes.txt|1234|127.0.0.1');
    asker.send('@owner|getfile|notes.txt|127.0.0.1|40000|7|16|2048');
    t.is(
      await owner.expect('#asker|getfile'),
      '#asker|getfile|notes.txt|127.0.0.1|40000|7|16|2048',
    );
  });
});
