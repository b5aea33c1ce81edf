/**
 * A server killed with kill -9 (real separate processes): its users leave the others' rooms
 * within the presence bound (TTL + heartbeat), and may log in again on another server at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LineClient } from '../../harness/line-client.ts';
import { startRedis } from '../../harness/redis-server.ts';
import { WhohasProcess } from '../../harness/whohas-process.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { redisTest } from '../helpers/redis-cluster.ts';

const test = redisTest();
const TTL_MS = 1000;
const HEARTBEAT_MS = 250;

test('kill -9 of a server mid-conversation: LEFT on the others within TTL + heartbeat', async (t) => {
  const redis = await startRedis();
  const servers: WhohasProcess[] = [];
  const clients: LineClient[] = [];
  try {
    const ports: number[] = [];
    for (const node of ['n1', 'n2', 'n3']) {
      const args = ['server', '--port', '0', '--cluster', redis.url, '--node', node];
      args.push('--cluster-ttl', String(TTL_MS), '--cluster-heartbeat', String(HEARTBEAT_MS));
      const server = new WhohasProcess(args, process.cwd());
      servers.push(server);
      ports.push(Number((await server.line(/listening on [\d.]+:(\d+)/))[1]));
    }
    const platform = createNodePlatform();
    const login = async (index: number, name: string, create = false) => {
      const client = await LineClient.connect(platform, ports[index]);
      clients.push(client);
      await client.login(name, 'lab', { create });
      return client;
    };
    const ann = await login(0, 'ann', true);
    const bob = await login(1, 'bob');
    const cy = await login(2, 'cy');
    await ann.expect('INFO|JOINED|cy');
    bob.send('@all|still here');
    t.is(await ann.expect('#bob'), '#bob|still here');
    t.is(await cy.expect('#bob'), '#bob|still here');

    const killed = performance.now();
    const exit = await servers[1].stop('SIGKILL');
    t.is(exit.signal, 'SIGKILL', 'the server was killed, not shut down');
    const heard = await Promise.all(
      [ann, cy].map(async (client) => {
        const line = await client.expect('INFO|LEFT');
        return { line, ms: performance.now() - killed };
      }),
    );
    for (const { line, ms } of heard) {
      t.is(line, 'INFO|LEFT|bob|User bob disconnected');
      t.log(`LEFT after ${ms.toFixed(0)} ms (TTL ${TTL_MS} ms, heartbeat ${HEARTBEAT_MS} ms)`);
      // TTL + one heartbeat for the check, plus slack for a loaded machine.
      t.true(ms < TTL_MS + HEARTBEAT_MS + 1500, `LEFT after ${ms} ms`);
    }
    // bob's name is free again at once: he logs in on another server.
    const again = await login(2, 'bob');
    t.is(await ann.expect('INFO|JOINED'), 'INFO|JOINED|bob|New user bob has joined');
    ann.send('@all|welcome back');
    t.is(await again.expect('#ann'), '#ann|welcome back');
    t.is(await cy.expect('#ann'), '#ann|welcome back');
    await sleep(100);
    t.deepEqual(
      cy.lines.filter((line) => line.startsWith('#')),
      ['#bob|still here', '#ann|welcome back'],
      'every line once',
    );
  } finally {
    for (const client of clients) client.destroy();
    await Promise.all(servers.map((server) => server.stop('SIGKILL').catch(() => undefined)));
    await redis.stop();
  }
});
