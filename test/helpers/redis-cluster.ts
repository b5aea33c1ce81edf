/**
 * For the cluster tests: a real Redis (harness/redis-server.ts) and servers on it, stopped after
 * the test whatever happens; clients on real loopback sockets. Where redis-server is missing the
 * tests skip loudly, and fail in CI (which installs it).
 */
import test, { type ExecutionContext, type TestFn } from 'ava';
import {
  type ClusterServer,
  type ClusterServerOptions,
  startCluster,
} from '../../harness/cluster.ts';
import { LineClient } from '../../harness/line-client.ts';
import {
  type RedisServer,
  redisUnavailableReason,
  startRedis,
} from '../../harness/redis-server.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

export const redisMissing = redisUnavailableReason();

/** `test`, or a loud skip (a failure in CI) when there is no redis-server. */
export function redisTest(): TestFn {
  if (redisMissing === undefined) return test;
  if (process.env.CI === 'true') {
    test(`cluster tests need redis-server: ${redisMissing}`, (t) => t.fail(redisMissing));
  } else {
    console.warn(`SKIPPED cluster tests: ${redisMissing}`);
  }
  return test.skip as unknown as TestFn;
}

export interface ClusterWorld {
  readonly redis: RedisServer;
  readonly servers: ClusterServer[];
  /** A client of server `index` (0-based), logged in as `name` in `room`. */
  user(index: number, name: string, room: string, create?: boolean): Promise<LineClient>;
  /** A raw client of server `index`: the greeting is its first line. */
  connect(index: number): Promise<LineClient>;
}

/** Fast failure detection for tests: a node is dead 600 ms after its last heartbeat. */
export const FAST: ClusterServerOptions = { ttlMs: 600, heartbeatMs: 150 };

export async function withCluster(
  t: ExecutionContext,
  count: number,
  body: (world: ClusterWorld) => Promise<void>,
  options: ClusterServerOptions = FAST,
): Promise<void> {
  const redis = await startRedis();
  const clients: LineClient[] = [];
  let servers: ClusterServer[] = [];
  try {
    servers = await startCluster(redis.url, count, options);
    const platform = createNodePlatform();
    const connect = async (index: number) => {
      const client = await LineClient.connect(platform, servers[index].port);
      clients.push(client);
      return client;
    };
    const user = async (index: number, name: string, room: string, create = false) => {
      const client = await connect(index);
      await client.login(name, room, { create });
      return client;
    };
    await body({ redis, servers, user, connect });
  } finally {
    for (const client of clients) client.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    await redis.stop();
    t.log(`redis on port ${redis.port}`);
  }
}
