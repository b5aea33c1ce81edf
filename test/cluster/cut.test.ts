/**
 * A silent cut between one server and Redis (no FIN, no RST: packets just stop): the others see
 * its users leave when its presence expires; the cut server refuses new logins with
 * CLUSTER_UNAVAILABLE; when the path heals it reconnects, writes its users back, and the others
 * hear them join again.
 */
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startClusterServer } from '../../harness/cluster.ts';
import { LineClient } from '../../harness/line-client.ts';
import { startRedis } from '../../harness/redis-server.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { FAST, redisTest } from '../helpers/redis-cluster.ts';

const test = redisTest();

/** A loopback TCP relay to `target` that can go silent (dropping bytes both ways) and heal. */
async function relay(target: number) {
  let silent = false;
  const pairs = new Set<Socket[]>();
  const server = createServer((client) => {
    const upstream = netConnect(target, '127.0.0.1');
    const pair = [client, upstream];
    pairs.add(pair);
    client.on('data', (data) => silent || upstream.write(data));
    upstream.on('data', (data) => silent || client.write(data));
    for (const socket of pair) {
      socket.on('error', () => {});
      socket.on('close', () => {
        for (const s of pair) s.destroy();
        pairs.delete(pair);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: () => {
      silent = true;
    },
    // Streams that lost bytes are unusable: they are dropped, and the client connects anew.
    heal: () => {
      silent = false;
      for (const pair of pairs) for (const socket of pair) socket.destroy();
    },
    close: () => {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      server.close();
    },
  };
}

test('a silent cut to Redis: LEFT elsewhere, CLUSTER_UNAVAILABLE there, all back when it heals', async (t) => {
  const redis = await startRedis();
  const path = await relay(redis.port);
  const servers = [
    await startClusterServer(redis.url, 'n1', FAST),
    await startClusterServer(path.url, 'n2', FAST),
  ];
  const platform = createNodePlatform();
  const clients: LineClient[] = [];
  const client = async (index: number) => {
    const made = await LineClient.connect(platform, servers[index].port);
    clients.push(made);
    return made;
  };
  try {
    const ann = await client(0);
    await ann.login('ann', 'lab', { create: true });
    const bob = await client(1);
    await bob.login('bob', 'lab');
    await ann.expect('INFO|JOINED|bob');

    path.cut();
    t.is(await ann.expect('INFO|LEFT'), 'INFO|LEFT|bob|User bob disconnected');
    for (let i = 0; i < 250 && servers[1].link.available; i += 1) await sleep(20);
    t.false(servers[1].link.available, 'the cut server noticed within 5 s');
    const late = await client(1);
    await late.expect('OK|Welcome to whohas');
    t.regex(await late.ask('dan'), /^ERROR\|CLUSTER_UNAVAILABLE\|/);

    path.heal();
    t.is(await ann.expect('INFO|JOINED'), 'INFO|JOINED|bob|New user bob has joined');
    ann.send('@bob|welcome back');
    t.is(await bob.expect('#ann'), '#ann|welcome back');
    t.is(await late.ask('dan'), 'OK|Username dan accepted. Send create/join a chatroom');
  } finally {
    for (const made of clients) made.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    path.close();
    await redis.stop();
  }
});
