/** Servers sharing one Redis: the Redis implementation of impl/chat/cluster.ts (docs/CLUSTER.md). */
export { RedisCluster, type RedisClusterOptions } from './redis-cluster.ts';
