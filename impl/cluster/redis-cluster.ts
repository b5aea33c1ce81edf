/**
 * The Redis implementation of the routing seam (impl/chat/cluster.ts): servers that share one
 * Redis share their users, rooms and lines. Claims are Lua scripts (atomic); presence is a key
 * with a TTL refreshed by a heartbeat; lines travel on one pub/sub channel, published in the
 * order they happened (one chain), applied in the order they arrive. See docs/CLUSTER.md.
 */
import type { Claim, ClusterHost, ClusterLink, ClusterNode, Maybe } from '../chat/cluster.ts';
import type { Member, Room } from '../chat/rooms.ts';
import { errorLine, nameKey } from '../chat/wire.ts';
import type { Random } from '../platform/types.ts';
import { type BusMessage, decode, encode } from './bus.ts';
import { deliver } from './inbound.ts';
import { Ledger } from './ledger.ts';
import { Marks } from './marks.ts';
import { Mirror, VANISHED } from './mirror.ts';
import type { RedisClusterOptions } from './options.ts';
import { hashPassword } from './passwords.ts';
import { Presence } from './presence.ts';
import { RedisStore } from './store.ts';

export class RedisCluster implements ClusterLink {
  #node: string;
  readonly #store: RedisStore;
  readonly #random: Random;
  readonly #ttlMs: number;
  readonly #reserveMs: number;
  #host: ClusterHost | undefined;
  #mirror: Mirror | undefined;
  /** Connected and registered: new logins may be claimed. */
  #ready = false;
  #connectedOnce = false;
  #closing = false;
  #stopped = false;
  /** Messages arriving while (re)registering wait here. */
  #held: BusMessage[] | undefined;
  /** Settles once the last queued work has issued its commands; #done, once Redis answered. */
  #out: Promise<void> = Promise.resolve();
  #done: Promise<void> = Promise.resolve();
  #in: Promise<void> = Promise.resolve();
  readonly #ledger = new Ledger();
  readonly #presence: Presence;
  readonly #marks: Marks;

  constructor(options: RedisClusterOptions) {
    this.#node = options.node ?? '';
    this.#random = options.random;
    this.#ttlMs = options.ttlMs ?? 3000;
    this.#reserveMs = options.reserveMs ?? 60_000;
    this.#store = new RedisStore(options.url, options.prefix ?? 'whohas:', () => this.#node);
    const { cmd, sub } = this.#store;
    for (const client of [cmd, sub]) client.on('error', () => {}); // reported by 'close' below
    cmd.on('close', () => this.#lost());
    sub.on('close', () => this.#lost());
    cmd.on('ready', () => this.#reconnected());
    sub.on('ready', () => this.#reconnected());
    sub.on('message', (_channel: string, text: string) => this.#heard(text));
    this.#marks = new Marks(options.clock);
    const timing = { clock: options.clock, ttlMs: this.#ttlMs, heartbeatMs: options.heartbeatMs };
    this.#presence = new Presence(this.#store, timing, {
      link: this,
      known: () => this.#mirror?.known() ?? [],
      dead: (node) => {
        this.#in = this.#in.then(() => this.#mirror?.drop(node));
      },
      failed: () => {
        this.#lost();
        for (const client of [cmd, sub]) client.disconnect(true);
      },
      log: (line) => this.#host?.log(line),
    });
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
      sendTo: ({ username: to, node: at, room }, bytes) => {
        this.#publish({ n: this.node, t: 'user', to, at, id: room?.id ?? '', line: `${bytes}` });
      },
      endOn: (member, line, why) => {
        const { username: to, node: at } = member;
        this.#publish({ n: this.node, t: 'kill', to, at, line: line ?? '', why });
      },
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
    this.#presence.start();
  }

  claimName(name: string): Maybe<Claim> {
    if (!this.#ready) return 'unavailable';
    const key = nameKey(name);
    return this.#store.claim(key, name).then(
      (result) => {
        if (result !== 1) return result === 0 ? 'taken' : 'unavailable';
        this.#ledger.claimed(name);
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
    return this.#store.verify(nameKey(room.name), room.id, guess).then(
      (hash) => {
        if (hash !== undefined) this.#ledger.hashed(room, hash);
        return hash !== undefined;
      },
      () => 'unavailable' as const,
    );
  }

  entered(member: Member, room: Room, created: boolean, password?: string): void {
    const name = member.username!;
    const key = nameKey(name);
    this.#ledger.claimed(name, room);
    this.#queue(async () => {
      let info: Parameters<RedisStore['enter']>[3];
      if (created) {
        const hash =
          password === undefined ? undefined : await hashPassword(password, this.#random.bytes(16));
        if (hash !== undefined) this.#ledger.hashed(room, hash);
        info = { name: room.name, id: room.id, isPrivate: room.isPrivate, ...hash };
      }
      const { id, isPrivate: p } = room;
      const enter = encode({ n: this.node, t: 'enter', u: name, r: room.name, id, p });
      return [this.#store.enter(key, name, nameKey(room.name), info), this.#store.publish(enter)];
    });
  }

  left(name: string, room: Room | undefined, notice: string | null): void {
    const key = nameKey(name);
    this.#ledger.left(name, room);
    const why = notice ?? (this.#closing ? VANISHED : null);
    this.#queue(() => {
      const sent = [this.#store.leave(key, room === undefined ? '' : nameKey(room.name))];
      if (room !== undefined) {
        sent.push(this.#store.publish(encode({ n: this.node, t: 'leave', u: name, why })));
      }
      return sent;
    });
  }

  unreserved(key: string): void {
    this.#queue(() => [this.#store.unreserve(key)]);
  }

  relayRoom(room: Room, _sender: string, bytes: Buffer): void {
    this.#publish({ n: this.node, t: 'room', r: room.name, id: room.id, line: bytes.toString() });
  }

  caughtUp(): Maybe<void> {
    if (!this.#ready) return undefined;
    const { id, heard } = this.#marks.make();
    this.#publish({ n: this.node, t: 'mark', id });
    return heard;
  }

  settled(): Promise<void> {
    return this.#out.then(() => this.#done);
  }

  nodes(): ClusterNode[] {
    const all = [
      { node: this.node, users: this.#ledger.inRooms() },
      ...(this.#mirror?.nodes() ?? []),
    ];
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
    this.#presence.stop();
    await this.settled();
    this.#ready = false;
    await this.#store.quit();
  }

  #publish(message: BusMessage): void {
    this.#queue(() => [this.#store.publish(encode(message))]);
  }

  /** Commands issued in order, pipelined (one connection keeps the order); failures logged. */
  #queue(work: () => Promise<Promise<unknown>[]> | Promise<unknown>[]): void {
    const log = (error: Error) => this.#host?.log(`cluster: ${error.message}`);
    const issued = this.#out.then(work);
    this.#out = issued.then(() => {}, log);
    // Replies come in order: the last one answered means every earlier one was.
    this.#done = issued.then((sent) => Promise.all(sent)).then(() => {}, log);
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
      await this.#store.present(this.#ttlMs, 'joining');
      for (const name of await this.#ledger.writeBack(this.#store)) {
        this.#host?.log(`cluster: ${name} was claimed elsewhere while Redis was away`);
        const line = errorLine('NAME_TAKEN', `The username ${name} was taken on another server`);
        this.#host?.registry.user(name)?.end(line, VANISHED);
      }
      await this.#store.present(this.#ttlMs, 'ready');
      if (!first) await this.#store.publish(encode({ n: this.node, t: 'sync' }));
      // A node still writing its users back is left alone: its 'sync' will tell us.
      for (const node of await this.#store.nodes()) {
        if (node === this.node || !(await this.#store.ready(node))) continue;
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
    if (!first) this.#presence.grace();
    this.#ready = true;
    if (!first) this.#host?.log('cluster: Redis is back; resynchronised');
    const held = this.#held;
    this.#held = undefined;
    for (const message of held) this.#apply(message);
  }

  #heard(text: string): void {
    const message = decode(text);
    if (message === undefined) return;
    if (this.#held !== undefined) this.#held.push(message);
    else this.#apply(message);
  }

  #apply(message: BusMessage): void {
    this.#in = this.#in
      .then(() => deliver(message, this.node, this.#host!, this.#mirror!, this.#store, this.#marks))
      .catch((error: Error) => {
        this.#host?.log(`cluster: ${message.t} from ${message.n}: ${error.message}`);
      });
  }
}
