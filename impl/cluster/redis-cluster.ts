/**
 * The Redis implementation of the routing seam (impl/chat/cluster.ts): servers that share one
 * Redis share their users, rooms and lines. Claims are Lua scripts (atomic); presence is a key
 * with a TTL refreshed by a heartbeat; lines travel on one pub/sub channel, published in the
 * order they happened (one chain), applied in the order they arrive. See docs/CLUSTER.md.
 */
import type {
  Claim,
  ClusterHost,
  ClusterLink,
  ClusterNode,
  Maybe,
  RemoteMember,
} from '../chat/cluster.ts';
import type { Member, Room } from '../chat/rooms.ts';
import { errorLine, nameKey } from '../chat/wire.ts';
import type { Clock, Random, TimerHandle } from '../platform/types.ts';
import { type BusMessage, decode, encode } from './bus.ts';
import { Mirror, VANISHED } from './mirror.ts';
import { hashPassword, type PasswordHash, verifyPassword } from './passwords.ts';
import { RedisStore } from './store.ts';

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

export class RedisCluster implements ClusterLink {
  #node: string;
  readonly #store: RedisStore;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #ttlMs: number;
  readonly #heartbeatMs: number;
  readonly #reserveMs: number;
  #host: ClusterHost | undefined;
  #mirror: Mirror | undefined;
  /** Connected and registered: new logins may be claimed. */
  #ready = false;
  #connectedOnce = false;
  #closing = false;
  #stopped = false;
  #timer: TimerHandle | undefined;
  /** Messages arriving while (re)registering wait here. */
  #held: BusMessage[] | undefined;
  #out: Promise<void> = Promise.resolve();
  #in: Promise<void> = Promise.resolve();
  /** This server's claimed names (key: comparison key) and their rooms. */
  readonly #mine = new Map<string, { name: string; room: Room | undefined }>();
  /** scrypt records of private rooms with members here, by room id (rewritten on a resync). */
  readonly #hashes = new Map<string, PasswordHash>();
  /** No node is declared dead before this time (the others are re-registering too). */
  #graceUntil = 0;

  constructor(options: RedisClusterOptions) {
    this.#node = options.node ?? '';
    this.#clock = options.clock;
    this.#random = options.random;
    this.#ttlMs = options.ttlMs ?? 3000;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#reserveMs = options.reserveMs ?? 60_000;
    this.#store = new RedisStore(options.url, options.prefix ?? 'whohas:', () => this.#node);
    const { cmd, sub } = this.#store;
    for (const client of [cmd, sub]) client.on('error', () => {}); // reported by 'close' below
    cmd.on('close', () => this.#lost());
    sub.on('close', () => this.#lost());
    cmd.on('ready', () => this.#reconnected());
    sub.on('ready', () => this.#reconnected());
    sub.on('message', (_channel: string, text: string) => this.#heard(text));
  }

  get node(): string {
    return this.#node;
  }

  get available(): boolean {
    return this.#ready;
  }

  attach(host: ClusterHost): void {
    this.#host = host;
    this.#mirror = new Mirror(host, {
      sendTo: (member, bytes) => this.#relayTo(member, bytes),
      endOn: (member, line, why) => this.#publish(killOf(this.node, member, line, why)),
    });
  }

  /** Connects, clears what a previous run of this node left, registers and loads the others. */
  async connect(node?: string): Promise<void> {
    if (this.#mirror === undefined) throw new Error('attach the cluster to a server first');
    if (node !== undefined) this.#node = node;
    if (this.#node === '') throw new Error('a cluster node needs a name');
    await this.#store.connect();
    await this.#store.sub.subscribe(this.#store.bus);
    await this.#store.reap(this.node); // a previous run of this node, killed
    await this.#register(true);
    this.#connectedOnce = true;
    this.#beat();
  }

  claimName(name: string): Maybe<Claim> {
    if (!this.#ready) return 'unavailable';
    const key = nameKey(name);
    return this.#store.claim(key, name).then(
      (result) => {
        if (result !== 1) return result === 0 ? 'taken' : 'unavailable';
        this.#mine.set(key, { name, room: undefined });
        return 'ok';
      },
      () => 'unavailable',
    );
  }

  reserveRoom(name: string): Maybe<Claim> {
    if (!this.#ready) return 'unavailable';
    return this.#store.reserve(nameKey(name), this.#reserveMs).then(
      (result) => (result === 1 ? 'ok' : result === 0 ? 'taken' : 'unavailable'),
      () => 'unavailable',
    );
  }

  checkPassword(room: Room, guess: string): Maybe<boolean | 'unavailable'> {
    if (room.password !== undefined) return room.checkPassword(guess);
    if (!this.#ready) return 'unavailable';
    const check = async (): Promise<boolean> => {
      const { id, salt, hash } = await this.#store.roomHash(nameKey(room.name));
      if (id !== room.id || salt === undefined || hash === undefined) return false;
      const right = await verifyPassword(guess, { salt, hash });
      if (right) this.#hashes.set(room.id, { salt, hash });
      return right;
    };
    return check().catch(() => 'unavailable' as const);
  }

  entered(member: Member, room: Room, created: boolean, password?: string): void {
    const name = member.username!;
    const key = nameKey(name);
    this.#mine.set(key, { name, room });
    this.#queue(async () => {
      let info: Parameters<RedisStore['enter']>[3];
      if (created) {
        const hash = password === undefined ? undefined : await this.#hashOf(room, password);
        info = { name: room.name, id: room.id, isPrivate: room.isPrivate, ...hash };
      }
      await this.#store.enter(key, name, nameKey(room.name), info);
      const { id, isPrivate: p } = room;
      await this.#store.publish(encode({ n: this.node, t: 'enter', u: name, r: room.name, id, p }));
    });
  }

  left(name: string, room: Room | undefined, notice: string | null): void {
    const key = nameKey(name);
    this.#mine.delete(key);
    const why = notice ?? (this.#closing ? VANISHED : null);
    if (room !== undefined && ![...room.members].some((m) => m.node === undefined)) {
      this.#hashes.delete(room.id);
    }
    this.#queue(async () => {
      await this.#store.leave(key, room === undefined ? '' : nameKey(room.name));
      if (room !== undefined)
        await this.#store.publish(encode({ n: this.node, t: 'leave', u: name, why }));
    });
  }

  unreserved(key: string): void {
    this.#queue(() => this.#store.unreserve(key));
  }

  relayRoom(room: Room, _sender: string, bytes: Buffer): void {
    this.#publish({ n: this.node, t: 'room', r: room.name, id: room.id, line: bytes.toString() });
  }

  nodes(): ClusterNode[] {
    const users = [...this.#mine.values()].filter((u) => u.room !== undefined).map((u) => u.name);
    const all = [{ node: this.node, users }, ...(this.#mirror?.nodes() ?? [])];
    return all.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  exitAll(reason: string): void {
    if (this.#ready) this.#publish({ n: this.node, t: 'exit', reason });
    else this.#host?.shutdown(reason);
  }

  closing(): void {
    this.#closing = true;
  }

  /** Waits for what is queued, leaves the cluster (presence gone at once) and disconnects. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    await this.#out;
    this.#ready = false;
    await this.#store.quit();
  }

  async #hashOf(room: Room, password: string): Promise<PasswordHash> {
    const hash = await hashPassword(password, this.#random.bytes(16));
    this.#hashes.set(room.id, hash);
    return hash;
  }

  #relayTo(member: RemoteMember, bytes: Buffer): void {
    const id = member.room?.id ?? '';
    const line = bytes.toString();
    this.#publish({ n: this.node, t: 'user', to: member.username, at: member.node, id, line });
  }

  #publish(message: BusMessage): void {
    this.#queue(() => this.#store.publish(encode(message)));
  }

  /** Redis work in the order it was asked for; a failure (Redis away) is logged, not thrown. */
  #queue(work: () => Promise<unknown>): void {
    this.#out = this.#out.then(work).then(
      () => {},
      (error: Error) => this.#host?.log(`cluster: ${error.message}`),
    );
  }

  #lost(): void {
    if (!this.#ready) return;
    this.#ready = false;
    this.#host?.log('cluster: Redis unreachable; new logins refused until it returns');
  }

  /** Both connections are back: register again (once; a failure waits for the next 'ready'). */
  #reconnected(): void {
    const { cmd, sub } = this.#store;
    if (!this.#connectedOnce || this.#stopped || this.#ready || this.#held !== undefined) return;
    if (cmd.status === 'ready' && sub.status === 'ready') void this.#register(false);
  }

  /** Writes presence and this node's users, then (re)loads the other nodes' users. */
  async #register(first: boolean): Promise<void> {
    this.#held ??= [];
    try {
      await this.#store.present(this.#ttlMs);
      for (const [key, { name, room }] of this.#mine) await this.#reclaim(key, name, room);
      if (!first) await this.#store.publish(encode({ n: this.node, t: 'sync' }));
      for (const node of await this.#store.nodes()) {
        if (node === this.node || !(await this.#store.alive(node))) continue;
        const users = await this.#store.usersOf(node);
        if (first) for (const user of users) this.#mirror!.enter(node, user, true);
        else this.#mirror!.reconcile(node, users);
      }
    } catch (error) {
      this.#host?.log(`cluster: registering failed: ${(error as Error).message}`);
      this.#held = undefined;
      if (first) throw error;
      return; // the next 'ready' tries again
    }
    this.#graceUntil = first ? 0 : this.#clock.now() + this.#ttlMs;
    this.#ready = true;
    if (!first) this.#host?.log('cluster: Redis is back; resynchronised');
    const held = this.#held;
    this.#held = undefined;
    for (const message of held) this.#apply(message);
  }

  async #reclaim(key: string, name: string, room: Room | undefined): Promise<void> {
    const roomKey = room === undefined ? '' : nameKey(room.name);
    if ((await this.#store.claim(key, name, roomKey)) !== 1) {
      this.#host?.log(`cluster: ${name} was claimed elsewhere while Redis was away`);
      this.#mine.delete(key);
      const line = errorLine('NAME_TAKEN', `The username ${name} was taken on another server`);
      this.#host?.registry.user(name)?.end(line, VANISHED);
      return;
    }
    if (room === undefined) return;
    const fresh = !(await this.#store.roomExists(roomKey));
    const info = { name: room.name, id: room.id, isPrivate: room.isPrivate };
    await this.#store.enter(
      key,
      name,
      roomKey,
      fresh ? { ...info, ...this.#hashes.get(room.id) } : undefined,
    );
  }

  #heard(text: string): void {
    const message = decode(text);
    if (message === undefined) return;
    if (this.#held !== undefined) this.#held.push(message);
    else this.#apply(message);
  }

  #apply(message: BusMessage): void {
    this.#in = this.#in
      .then(() => this.#handle(message))
      .catch((error: Error) => {
        this.#host?.log(`cluster: ${message.t} from ${message.n}: ${error.message}`);
      });
  }

  async #handle(message: BusMessage): Promise<void> {
    const host = this.#host!;
    const mirror = this.#mirror!;
    if (message.t === 'exit') return host.shutdown(message.reason);
    if (message.n === this.node) return;
    switch (message.t) {
      case 'enter': {
        const room = { name: message.r, id: message.id, isPrivate: message.p };
        return mirror.enter(message.n, { name: message.u, room }, false);
      }
      case 'leave':
        return mirror.leave(message.n, message.u, message.why);
      case 'room': {
        const room = host.registry.room(message.r);
        if (room?.id !== message.id) return; // not this incarnation: never the wrong room
        const bytes = Buffer.from(message.line);
        for (const member of room.members) {
          if (member.node !== undefined) continue;
          member.sendEncoded(bytes);
          host.stats.linesRouted += 1;
        }
        return;
      }
      case 'user':
      case 'kill': {
        if (message.at !== this.node) return;
        const user = host.registry.user(message.to);
        if (user === undefined || user.node !== undefined || user.room === undefined) return;
        if (message.t === 'kill') {
          return user.end(message.line === '' ? undefined : message.line, message.why);
        }
        if (message.id !== '' && user.room.id !== message.id) return;
        user.sendEncoded(Buffer.from(message.line));
        host.stats.linesRouted += 1;
        return;
      }
      case 'sync':
        return mirror.reconcile(message.n, await this.#store.usersOf(message.n));
    }
  }

  /** Refreshes presence, then finds nodes whose presence expired: their users leave. */
  #beat(): void {
    this.#timer = this.#clock.setTimeout(() => {
      void this.#check().finally(() => {
        if (!this.#stopped) this.#beat();
      });
    }, this.#heartbeatMs);
  }

  async #check(): Promise<void> {
    if (!this.#ready) return;
    try {
      await this.#store.present(this.#ttlMs);
      if (this.#clock.now() < this.#graceUntil) return;
      const nodes = new Set([...(await this.#store.nodes()), ...this.#mirror!.known()]);
      for (const node of nodes) {
        if (node === this.node || (await this.#store.alive(node))) continue;
        this.#host?.log(`cluster: node ${node} is gone (no heartbeat for ${this.#ttlMs} ms)`);
        this.#in = this.#in.then(() => this.#mirror!.drop(node));
        await this.#store.reap(node);
      }
    } catch (error) {
      this.#host?.log(`cluster: heartbeat failed: ${(error as Error).message}`);
    }
  }
}

function killOf(n: string, member: RemoteMember, line: string | undefined, why: string | null) {
  const message: BusMessage = {
    n,
    t: 'kill',
    to: member.username,
    at: member.node,
    line: line ?? '',
    why,
  };
  return message;
}
