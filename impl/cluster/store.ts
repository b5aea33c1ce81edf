/**
 * The cluster's Redis: two ioredis connections (commands, and the pub/sub subscriber), the key
 * names of scripts.ts and the atomic scripts. Commands fail at once while Redis is away (no
 * offline queue, nothing resent on reconnect): a line is never delivered late, nor twice.
 */
import { Redis } from 'ioredis';
import type { RemoteUser, RoomInfo } from './mirror.ts';
import { type PasswordHash, verifyPassword } from './passwords.ts';
import { CLAIM, LEAVE, REAP, RESERVE } from './scripts.ts';

interface Scripts {
  whClaim(...args: string[]): Promise<number>;
  whReserve(...args: string[]): Promise<number>;
  whLeave(...args: string[]): Promise<number>;
  whReap(...args: string[]): Promise<number>;
}

/** A user's record in `users:<node>`: name, and room key ('' while in the login dialog). */
interface UserRecord {
  u: string;
  r: string;
}

export class RedisStore {
  readonly cmd: Redis & Scripts;
  readonly sub: Redis;
  readonly #p: string;
  readonly #nodeOf: () => string;

  constructor(url: string, prefix: string, node: () => string) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Commands issued in one tick leave in one write (a broadcast burst: one syscall).
      enableAutoPipelining: true,
      connectTimeout: 2000,
      // A silent cut (no FIN, no RST) shows as commands that never answer.
      commandTimeout: 2000,
      // Reconnect quickly, forever: 50 ms, 100 ms, ... at most 500 ms apart.
      retryStrategy: (times: number) => Math.min(times * 50, 500),
    };
    this.cmd = new Redis(url, options) as Redis & Scripts;
    this.sub = new Redis(url, { ...options, enableOfflineQueue: true });
    this.cmd.defineCommand('whClaim', { numberOfKeys: 3, lua: CLAIM });
    this.cmd.defineCommand('whReserve', { numberOfKeys: 3, lua: RESERVE });
    this.cmd.defineCommand('whLeave', { numberOfKeys: 4, lua: LEAVE });
    this.cmd.defineCommand('whReap', { numberOfKeys: 0, lua: REAP });
    this.#p = prefix;
    this.#nodeOf = node;
  }

  get #node(): string {
    return this.#nodeOf();
  }

  get bus(): string {
    return `${this.#p}bus`;
  }

  key(kind: 'node' | 'user' | 'users' | 'room' | 'roomusers' | 'roomlock', name: string): string {
    return `${this.#p}${kind}:${name}`;
  }

  async connect(): Promise<void> {
    await Promise.all([this.cmd.connect(), this.sub.connect()]);
  }

  /**
   * Presence: this node's key, alive for `ttlMs` unless refreshed; 'joining' while it writes
   * its users, 'ready' once they are all in Redis (others load them only then).
   */
  async present(ttlMs: number, state: 'joining' | 'ready'): Promise<void> {
    await this.cmd.set(this.key('node', this.#node), state, 'PX', ttlMs);
    await this.cmd.sadd(`${this.#p}nodes`, this.#node);
  }

  async nodes(): Promise<string[]> {
    return this.cmd.smembers(`${this.#p}nodes`);
  }

  async ready(node: string): Promise<boolean> {
    return (await this.cmd.get(this.key('node', node))) === 'ready';
  }

  async alive(node: string): Promise<boolean> {
    return (await this.cmd.exists(this.key('node', node))) === 1;
  }

  /** 1 claimed, 0 held by a live node, -1 this node is not registered. */
  claim(key: string, name: string, roomKey = ''): Promise<number> {
    const record: UserRecord = { u: name, r: roomKey };
    const n = this.#node;
    return this.cmd.whClaim(
      this.key('user', key),
      this.key('users', n),
      this.key('node', n),
      n,
      this.#p,
      key,
      JSON.stringify(record),
    );
  }

  reserve(roomKey: string, ms: number): Promise<number> {
    const n = this.#node;
    const keys = [this.key('room', roomKey), this.key('roomlock', roomKey), this.key('node', n)];
    return this.cmd.whReserve(...keys, n, String(ms));
  }

  async unreserve(roomKey: string): Promise<void> {
    await this.cmd.del(this.key('roomlock', roomKey));
  }

  /** A local user entered a room; `room` is written when the room is new to Redis. */
  async enter(key: string, name: string, roomKey: string, room?: RoomInfo & Partial<PasswordHash>) {
    const record: UserRecord = { u: name, r: roomKey };
    const multi = this.cmd.multi();
    if (room !== undefined) {
      const fields: Record<string, string> = {
        name: room.name,
        id: room.id,
        private: room.isPrivate ? '1' : '0',
      };
      if (room.salt !== undefined && room.hash !== undefined) {
        fields.salt = room.salt;
        fields.hash = room.hash;
      }
      multi.hset(this.key('room', roomKey), fields).del(this.key('roomlock', roomKey));
    }
    multi.sadd(this.key('roomusers', roomKey), key);
    multi.hset(this.key('users', this.#node), key, JSON.stringify(record));
    await multi.exec();
  }

  async roomExists(roomKey: string): Promise<boolean> {
    return (await this.cmd.exists(this.key('room', roomKey))) === 1;
  }

  async leave(key: string, roomKey: string): Promise<void> {
    const n = this.#node;
    const keys = [
      this.key('user', key),
      this.key('users', n),
      this.key('roomusers', roomKey),
      this.key('room', roomKey),
    ];
    await this.cmd.whLeave(...keys, n, key);
  }

  /** Forgets a node whose presence has expired (1), or nothing if it is alive (0). */
  reap(node: string): Promise<number> {
    return this.cmd.whReap(this.#p, node);
  }

  /** The room's incarnation id and scrypt record. */
  async roomHash(roomKey: string): Promise<{ id?: string } & Partial<PasswordHash>> {
    const [id, salt, hash] = await this.cmd.hmget(this.key('room', roomKey), 'id', 'salt', 'hash');
    return { id: id ?? undefined, salt: salt ?? undefined, hash: hash ?? undefined };
  }

  /** The room's scrypt record if `guess` is the password of incarnation `id`; else undefined. */
  async verify(roomKey: string, id: string, guess: string): Promise<PasswordHash | undefined> {
    const stored = await this.roomHash(roomKey);
    if (stored.id !== id || stored.salt === undefined || stored.hash === undefined)
      return undefined;
    const hash = { salt: stored.salt, hash: stored.hash };
    return (await verifyPassword(guess, hash)) ? hash : undefined;
  }

  /** The users of `node` that are in a room. */
  async usersOf(node: string): Promise<RemoteUser[]> {
    const records = await this.cmd.hgetall(this.key('users', node));
    const rooms = new Map<string, RoomInfo | undefined>();
    const users: RemoteUser[] = [];
    for (const text of Object.values(records)) {
      const record = JSON.parse(text) as UserRecord;
      if (record.r === '') continue;
      if (!rooms.has(record.r)) {
        const [name, id, isPrivate] = await this.cmd.hmget(
          this.key('room', record.r),
          'name',
          'id',
          'private',
        );
        const info = name && id ? { name, id, isPrivate: isPrivate === '1' } : undefined;
        rooms.set(record.r, info);
      }
      const room = rooms.get(record.r);
      if (room !== undefined) users.push({ name: record.u, room });
    }
    return users;
  }

  async publish(message: string): Promise<void> {
    await this.cmd.publish(this.bus, message);
  }

  /** Leaves the cluster cleanly: presence gone, then both connections closed. */
  async quit(): Promise<void> {
    try {
      await this.cmd.del(this.key('node', this.#node));
      await this.reap(this.#node);
    } catch {
      // Redis is away: our presence expires by itself.
    }
    this.cmd.disconnect();
    this.sub.disconnect();
  }
}
