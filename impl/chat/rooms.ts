/**
 * Who is on the server and in which room. Names are stored under nameKey() so they compare
 * ignoring case. Members are kept in a Set: iteration is join order, never hash order.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MutableChatStats } from './stats.ts';
import { infoLine, nameKey } from './wire.ts';

/** What the registry needs of a connection. */
export interface Member {
  /** The username as first spelled, once claimed. */
  readonly username: string | undefined;
  /** The fingerprint of the key the user proved at login, if any. */
  readonly keyFingerprint?: string;
  room: Room | undefined;
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
  readonly #passwordHash: Buffer | undefined;
  readonly #password: string | undefined;

  constructor(name: string, password: string | undefined, id = '') {
    this.name = name;
    this.id = id;
    this.#password = password;
    this.#passwordHash = password === undefined ? undefined : digest(password);
  }

  get isPrivate(): boolean {
    return this.#password !== undefined;
  }

  get password(): string | undefined {
    return this.#password;
  }

  checkPassword(guess: string): boolean {
    if (this.#passwordHash === undefined) return true;
    return timingSafeEqual(digest(guess), this.#passwordHash);
  }

  memberNames(except?: Member): string[] {
    const names: string[] = [];
    for (const member of this.members) {
      if (member !== except && member.username !== undefined) names.push(member.username);
    }
    return names;
  }

  /** `#sender|text` to every member but the sender; returns how many got it. */
  broadcast(sender: Member, line: string): number {
    const bytes = Buffer.from(`${line}\n`);
    let delivered = 0;
    for (const member of this.members) {
      if (member === sender) continue;
      member.sendEncoded(bytes);
      delivered += 1;
    }
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

  /** `newRoomId` names each room incarnation (random bytes from the platform, in hex). */
  constructor(stats: MutableChatStats, newRoomId: () => string = () => '') {
    this.#stats = stats;
    this.#newRoomId = newRoomId;
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
    const room = new Room(name, password, this.#newRoomId());
    this.#rooms.set(key, room);
    this.#stats.rooms = this.#rooms.size;
    this.#enter(creator, room);
    return room;
  }

  /** Adds the member to the room and tells the others. */
  join(member: Member, room: Room): void {
    this.#enter(member, room);
    const name = member.username!;
    room.broadcast(member, infoLine('JOINED', name, `New user ${name} has joined`));
  }

  /**
   * Forgets the member: its name, reservations and room seat. The room's others hear `notice`
   * (`User <name> <notice>`) unless it is null; an empty room disappears.
   */
  leave(member: Member, notice: string | null): void {
    const name = member.username;
    if (name !== undefined && this.#users.get(nameKey(name)) === member) {
      this.#users.delete(nameKey(name));
    }
    for (const [key, holder] of this.#reserved) {
      if (holder === member) this.#reserved.delete(key);
    }
    const room = member.room;
    if (room === undefined) return;
    member.room = undefined;
    room.members.delete(member);
    this.#stats.users -= 1;
    if (room.members.size === 0) {
      this.#rooms.delete(nameKey(room.name));
      this.#stats.rooms = this.#rooms.size;
    } else if (notice !== null && name !== undefined) {
      room.broadcast(member, infoLine('LEFT', name, `User ${name} ${notice}`));
    }
  }

  #enter(member: Member, room: Room): void {
    member.room = room;
    room.members.add(member);
    this.#stats.users += 1;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
