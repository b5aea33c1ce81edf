/** How a server joins a cluster (docs/CLUSTER.md). */
import type { Clock, Random } from '../platform/types.ts';

export interface RedisClusterOptions {
  /** redis://[:password@]host:port, or rediss:// for TLS. */
  readonly url: string;
  /** This server's name in the cluster (may be given later, to connect()). */
  readonly node?: string;
  readonly clock: Clock;
  readonly random: Random;
  /** Key and channel prefix: clusters sharing one Redis use different ones. Default `whohas:`. */
  readonly prefix?: string;
  /** A node is dead this long after its last heartbeat; default 3000 ms. */
  readonly ttlMs?: number;
  /** Heartbeat (and dead-node check) period; default 1000 ms. */
  readonly heartbeatMs?: number;
  /** How long a room name stays reserved for a creator answering the protect question. */
  readonly reserveMs?: number;
}
