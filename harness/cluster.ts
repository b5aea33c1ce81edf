/**
 * Chat servers sharing one Redis, on real loopback sockets in this process: the cluster tests'
 * and the cluster bench's world. Each server has its own Node platform and RedisCluster link.
 */
import { ChatServer, type ChatServerOptions } from '../impl/chat/index.ts';
import { RedisCluster, type RedisClusterOptions } from '../impl/cluster/index.ts';
import { createNodePlatform } from '../impl/platform/node.ts';

export interface ClusterServer {
  readonly node: string;
  readonly server: ChatServer;
  readonly link: RedisCluster;
  readonly port: number;
  /** Closes the server (clients told), then leaves the cluster. */
  stop(): Promise<void>;
}

export type ClusterServerOptions = Partial<Omit<ChatServerOptions, 'platform' | 'cluster'>> &
  Partial<Pick<RedisClusterOptions, 'prefix' | 'ttlMs' | 'heartbeatMs'>>;

/** One server named `node` on a free loopback port, registered in the cluster at `url`. */
export async function startClusterServer(
  url: string,
  node: string,
  options: ClusterServerOptions = {},
): Promise<ClusterServer> {
  const { prefix, ttlMs, heartbeatMs, ...serverOptions } = options;
  const platform = createNodePlatform();
  const link = new RedisCluster({
    url,
    node,
    clock: platform.clock,
    random: platform.random,
    prefix,
    ttlMs,
    heartbeatMs,
  });
  const server = new ChatServer({ port: 0, ...serverOptions, platform, cluster: link });
  await link.connect();
  const { port } = await server.listen();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= server.close().then(() => link.close());
    return stopped;
  };
  return { node, server, link, port, stop };
}

/** `count` servers (n1, n2, ...) on one Redis. */
export async function startCluster(
  url: string,
  count: number,
  options: ClusterServerOptions = {},
): Promise<ClusterServer[]> {
  const servers: ClusterServer[] = [];
  for (let i = 1; i <= count; i += 1) servers.push(await startClusterServer(url, `n${i}`, options));
  return servers;
}
