/**
 * Failures around the cluster: Redis goes away and comes back (logins refused with
 * CLUSTER_UNAVAILABLE meanwhile, local service kept, state resynchronised after), and a server
 * that stops cleanly (its users leave the others' rooms at once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterServer } from '../../harness/cluster.ts';
import { redisTest, withCluster } from '../helpers/redis-cluster.ts';

const test = redisTest();

/** Bounded wait (5 s) for every server's link to be (un)available. */
async function until(servers: ClusterServer[], available: boolean): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (servers.every((s) => s.link.available === available)) return;
    await sleep(20);
  }
  throw new Error(`cluster links not ${available ? 'available' : 'unavailable'} within 5 s`);
}

test('Redis restarted: CLUSTER_UNAVAILABLE meanwhile, local chat goes on, then all is resynchronised', async (t) => {
  await withCluster(t, 2, async ({ redis, servers, user, connect }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const cy = await user(0, 'cy', 'lab');
    const bob = await user(1, 'bob', 'lab');
    await ann.expect('INFO|JOINED|bob');

    await redis.kill();
    await until(servers, false);
    const late = await connect(0);
    await late.expect('OK|Welcome to whohas');
    t.is(
      await late.ask('dan'),
      'ERROR|CLUSTER_UNAVAILABLE|The server cannot reach its cluster; try again soon',
    );
    // Local service continues: users on one server still reach each other.
    ann.send('@all|redis is down');
    t.is(await cy.expect('#ann'), '#ann|redis is down');

    await redis.start(); // a fresh Redis: every key is gone until the servers write them again
    await until(servers, true);
    t.is(await late.ask('dan'), 'OK|Username dan accepted. Send create/join a chatroom');
    // bob's name was written back: still taken cluster-wide.
    const other = await connect(0);
    await other.expect('OK|Welcome to whohas');
    t.is(await other.ask('bob'), 'ERROR|NAME_TAKEN|The username bob is taken');
    ann.send('@all|redis is back');
    t.is(await bob.expect('#ann'), '#ann|redis is back');
    bob.send('@cy|and so are we');
    t.is(await cy.expect('#bob'), '#bob|and so are we');
    await sleep(200);
    // Each line once; the line sent while Redis was away reached only the server's own users.
    t.deepEqual(
      bob.lines.filter((l) => l.startsWith('#') || l.startsWith('INFO')),
      ['#ann|redis is back'],
    );
    t.deepEqual(
      cy.lines.filter((l) => l.startsWith('#')),
      ['#ann|redis is down', '#ann|redis is back', '#bob|and so are we'],
    );
  });
});

test('a server that stops cleanly: its users leave the rooms of the others at once', async (t) => {
  await withCluster(t, 2, async ({ servers, user }) => {
    const ann = await user(0, 'ann', 'lab', true);
    const bob = await user(1, 'bob', 'lab');
    await ann.expect('INFO|JOINED|bob');
    await servers[1].stop();
    t.is(
      await bob.expect('ERROR|SERVER_SHUTDOWN'),
      'ERROR|SERVER_SHUTDOWN|The server is shutting down',
    );
    t.is(await ann.expect('INFO|LEFT'), 'INFO|LEFT|bob|User bob disconnected');
    t.is(await ann.ask('@server|get_peers'), 'PEERS|ann');
  });
});
