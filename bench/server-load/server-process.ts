/**
 * One chat server in a process of its own, for the cluster bench (cluster.ts): with bench limits
 * (no rate limit, room for every client from one address), alone or in a cluster on a Redis.
 * argv: JSON { clients, redis?, node? }. IPC: sends { port } once listening; answers 'stats'
 * with { users (its own clients), linesRouted, rss } and 'stop' by closing and exiting.
 */
import { startClusterServer } from '../../harness/cluster.ts';
import { ChatServer } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

const { clients, redis, node } = JSON.parse(process.argv[2]) as {
  clients: number;
  redis?: string;
  node?: string;
};
const limits = {
  port: 0,
  maxConnections: clients + 100,
  rateLinesPerSecond: 1e9,
  rateBurst: 1e9,
  maxOutboxBytes: 64 * 1024 * 1024,
  maxTotalOutboxBytes: Number.POSITIVE_INFINITY,
  maxLoginsPerAddress: clients + 100,
  maxConnectionsPerAddress: clients + 100,
};

let server: ChatServer;
let stop: () => Promise<void>;
if (redis === undefined) {
  server = new ChatServer({ ...limits, platform: createNodePlatform() });
  await server.listen();
  stop = () => server.close('bench over');
} else {
  const started = await startClusterServer(redis, node ?? 'n1', limits);
  server = started.server;
  stop = started.stop;
}
process.send!({ port: server.address()!.port });
process.on('message', (message: string) => {
  if (message === 'stats') {
    // Connections: this server's own clients (stats.users counts the cluster's).
    const { connections, linesRouted } = server.stats;
    process.send!({ users: connections, linesRouted, rss: process.memoryUsage().rss });
  } else if (message === 'stop') {
    void stop().then(() => process.exit(0));
  }
});
