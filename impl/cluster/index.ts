/** Servers sharing one Redis: the Redis implementation of impl/chat/cluster.ts (docs/CLUSTER.md). */
export type { RedisClusterOptions } from './options.ts';
export { RedisCluster } from './redis-cluster.ts';
