/**
 * Who is on the server and in which room. Names are stored under nameKey() so they compare
 * ignoring case. Members are kept in a Set: iteration is join order, never hash order.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type ClusterLink, LocalCluster } from './cluster.ts';
import type { MutableChatStats } from './stats.ts';
import { infoLine, nameKey } from './wire.ts';

/** What the registry needs of a connection. */
export interface Member {
  /** The username as first spelled, once claimed. */
  readonly username: string | undefined;
  /** The fingerprint of the key the user proved at login, if any. */
  readonly keyFingerprint?: string;
  room: Room | undefined;
  /** The server holding a member of another server (cluster.ts RemoteMember); undefined here. */
  readonly node?: string;
  send(line: string): void;
  /** Asked for `DIRECT|<sender>|<text>` on messages to it alone (`@server|direct_tag`). */
  directTag?: boolean;
  /** Writes an already encoded line ('\n' included); shared by every recipient of a broadcast. */
  sendEncoded(bytes: Buffer): void;
  /** The server ends the connection after `finalLine`; the room hears `notice` (see leave()). */
  end(finalLine: string | undefined, notice?: string | null): void;
}

export class Room {
  readonly name: string;
  /**
   * This incarnation of the room: random, new each time a room of this name is created, so a
   * peer can tell the room it trusted from one recreated under the same name (`@server|get_room`).
   */
  readonly id: string;
  readonly members = new Set<Member>();
  readonly isPrivate: boolean;
  /** Members held by other servers of a cluster (lines for them are relayed once per room). */
  remoteMembers = 0;
  /** Set by the Registry: takes a line for the members on other servers. */
  relay: ((sender: Member, bytes: Buffer) => void) | undefined;
  #passwordHash: Buffer | undefined;
  #password: string | undefined;

  /** `isPrivate` without a `password`: a room created on another server of a cluster. */
  constructor(
    name: string,
    password: string | undefined,
    id = '',
    isPrivate = password !== undefined,
  ) {
    this.name = name;
    this.id = id;
    this.isPrivate = isPrivate;
    if (password !== undefined) this.learnPassword(password);
  }

  /** The clear password, as known here (typed by a local member); see docs/CLUSTER.md. */
  get password(): string | undefined {
    return this.#password;
  }

  /** A local member typed the right password of a room created elsewhere in the cluster. */
  learnPassword(password: string): void {
    this.#password = password;
    this.#passwordHash = digest(password);
  }

  checkPassword(guess: string): boolean {
    if (!this.isPrivate) return true;
    if (this.#passwordHash === undefined) return false;
    return timingSafeEqual(digest(guess), this.#passwordHash);
  }

  memberNames(except?: Member): string[] {
    const names: string[] = [];
    for (const member of this.members) {
      if (member !== except && member.username !== undefined) names.push(member.username);
    }
    return names;
  }

  /**
   * `#sender|text` to every member but the sender; returns how many got it here. A line from a
   * local sender reaches the members on other servers by one relay (unless `relay` is false:
   * join and leave notices, which every server writes for itself).
   */
  broadcast(sender: Member, line: string, relay = true): number {
    const bytes = Buffer.from(`${line}\n`);
    let delivered = 0;
    for (const member of this.members) {
      if (member === sender || member.node !== undefined) continue;
      member.sendEncoded(bytes);
      delivered += 1;
    }
    if (relay && this.remoteMembers > 0 && sender.node === undefined) this.relay?.(sender, bytes);
    return delivered;
  }
}

export class Registry {
  readonly #users = new Map<string, Member>();
  readonly #rooms = new Map<string, Room>();
  /** Room names chosen by a creator still answering the protect question. */
  readonly #reserved = new Map<string, Member>();
  readonly #stats: MutableChatStats;
  readonly #newRoomId: () => string;
  readonly #link: ClusterLink;

  /**
   * `newRoomId` names each room incarnation (random bytes from the platform, in hex); `link`
   * reaches the other servers of a cluster (none by default).
   */
  constructor(
    stats: MutableChatStats,
    newRoomId: () => string = () => '',
    link: ClusterLink = new LocalCluster(),
  ) {
    this.#stats = stats;
    this.#newRoomId = newRoomId;
    this.#link = link;
  }

  isNameTaken(name: string): boolean {
    return this.#users.has(nameKey(name));
  }

  claimName(member: Member, name: string): void {
    this.#users.set(nameKey(name), member);
  }

  user(name: string): Member | undefined {
    return this.#users.get(nameKey(name));
  }

  /** Logged-in users (in a room), in the order their names were claimed. */
  usersInRooms(): Member[] {
    return [...this.#users.values()].filter((member) => member.room !== undefined);
  }

  room(name: string): Room | undefined {
    return this.#rooms.get(nameKey(name));
  }

  roomNames(): string[] {
    return [...this.#rooms.values()].map((room) => room.name).sort(byName);
  }

  rooms(): Room[] {
    return [...this.#rooms.values()].sort((a, b) => byName(a.name, b.name));
  }

  /** False if the name is a room already, or reserved by another creator. */
  reserveRoom(member: Member, name: string): boolean {
    const key = nameKey(name);
    if (this.#rooms.has(key) || this.#reserved.has(key)) return false;
    this.#reserved.set(key, member);
    return true;
  }

  /** Turns the creator's reservation into a room with the creator in it. */
  openRoom(creator: Member, name: string, password: string | undefined): Room {
    const key = nameKey(name);
    this.#reserved.delete(key);
    const room = this.#addRoom(new Room(name, password, this.#newRoomId()));
    this.#enter(creator, room);
    this.#link.entered(creator, room, true, password);
    return room;
  }

  /** Adds the member to the room and tells the others. */
  join(member: Member, room: Room): void {
    this.#enter(member, room);
    const name = member.username!;
    room.broadcast(member, infoLine('JOINED', name, `New user ${name} has joined`), false);
    if (member.node === undefined) this.#link.entered(member, room, false);
  }

  /**
   * A member of another server entered a room (made here if it is new to this server); the
   * local members hear JOINED unless `quiet` (a member found on (re)connecting to the cluster).
   */
  adopt(member: Member, room: { name: string; id: string; isPrivate: boolean }, quiet: boolean) {
    this.#users.set(nameKey(member.username!), member);
    const known = this.room(room.name);
    const here =
      known?.id === room.id
        ? known
        : this.#addRoom(new Room(room.name, undefined, room.id, room.isPrivate));
    if (quiet) this.#enter(member, here);
    else this.join(member, here);
  }

  /**
   * Forgets the member: its name, reservations and room seat. The room's others hear `notice`
   * (`User <name> <notice>`) unless it is null; an empty room disappears.
   */
  leave(member: Member, notice: string | null): void {
    const name = member.username;
    const local = member.node === undefined;
    const claimed = name !== undefined && this.#users.get(nameKey(name)) === member;
    if (claimed) this.#users.delete(nameKey(name));
    for (const [key, holder] of this.#reserved) {
      if (holder !== member) continue;
      this.#reserved.delete(key);
      this.#link.unreserved(key);
    }
    const room = member.room;
    if (local && claimed) this.#link.left(name, room, notice);
    if (room === undefined) return;
    member.room = undefined;
    room.members.delete(member);
    if (!local) room.remoteMembers -= 1;
    this.#stats.users -= 1;
    if (room.members.size === 0) {
      if (this.#rooms.get(nameKey(room.name)) === room) this.#rooms.delete(nameKey(room.name));
      this.#stats.rooms = this.#rooms.size;
    } else if (notice !== null && name !== undefined) {
      room.broadcast(member, infoLine('LEFT', name, `User ${name} ${notice}`), false);
    }
  }

  #addRoom(room: Room): Room {
    room.relay = (sender, bytes) => this.#link.relayRoom(room, sender.username!, bytes);
    this.#rooms.set(nameKey(room.name), room);
    this.#stats.rooms = this.#rooms.size;
    return room;
  }

  #enter(member: Member, room: Room): void {
    member.room = room;
    room.members.add(member);
    if (member.node !== undefined) room.remoteMembers += 1;
    this.#stats.users += 1;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
