/**
 * Three chat servers on one real Redis, users spread across them: everything a user sees works
 * across servers exactly as on one (docs/CLUSTER.md).
 */
import { redisTest, withCluster } from '../helpers/redis-cluster.ts';

const test = redisTest();

test('users on three servers share a room: @all, @user, notices, peers, rooms', async (t) => {
  await withCluster(t, 3, async ({ user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const bob = await user(1, 'bob', 'lab');
    await ann.expect('INFO|JOINED|bob');
    const cy = await user(2, 'cy', 'lab');
    await ann.expect('INFO|JOINED|cy');
    await bob.expect('INFO|JOINED|cy');

    ann.send('@all|hello from n1');
    t.is(await bob.expect('#ann|'), '#ann|hello from n1');
    t.is(await cy.expect('#ann|'), '#ann|hello from n1');
    cy.send('@bob|just for you');
    t.is(await bob.expect('#cy|'), '#cy|just for you');
    bob.send('@me|note');
    t.is(await bob.expect('#me|'), '#me|note');

    t.is(await cy.ask('@server|get_peers'), 'PEERS|ann|bob|cy');
    t.is(await bob.ask('@server|get_rooms'), 'ROOMS|lab');
    bob.send('@server|exit');
    t.is(await ann.expect('INFO|LEFT'), 'INFO|LEFT|bob|User bob has left');
    t.is(await cy.expect('INFO|LEFT'), 'INFO|LEFT|bob|User bob has left');
    // Once each, in order: no line reached anyone twice.
    t.deepEqual(
      ann.lines.filter((l) => l.startsWith('#') || l.startsWith('INFO')),
      [
        'INFO|JOINED|bob|New user bob has joined',
        'INFO|JOINED|cy|New user cy has joined',
        'INFO|LEFT|bob|User bob has left',
      ],
    );
  });
});
