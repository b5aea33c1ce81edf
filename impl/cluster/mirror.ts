/**
 * The other servers' users, as this server sees them: one RemoteMember per user, held in the
 * local Registry so rooms, @user, get_peers and the admin see them. Every change arrives here
 * (bus messages, a reload after a resync, a dead node) and each server writes the JOINED and
 * LEFT notices for its own clients only, so each notice reaches each client once.
 */
import {
  type ClusterHost,
  type ClusterNode,
  RemoteMember,
  type RemoteRelay,
} from '../chat/cluster.ts';
import { nameKey } from '../chat/wire.ts';

export interface RoomInfo {
  readonly name: string;
  readonly id: string;
  readonly isPrivate: boolean;
}

export interface RemoteUser {
  readonly name: string;
  readonly room: RoomInfo;
}

/** The `User <name> ...` ending for users of a server found dead. */
export const VANISHED = 'disconnected';

export class Mirror {
  readonly #host: ClusterHost;
  readonly #relay: RemoteRelay;
  readonly #nodes = new Map<string, Map<string, RemoteMember>>();

  constructor(host: ClusterHost, relay: RemoteRelay) {
    this.#host = host;
    this.#relay = relay;
  }

  /** A user of `node` entered a room; its room's local members hear JOINED unless `quiet`. */
  enter(node: string, user: RemoteUser, quiet: boolean): void {
    const key = nameKey(user.name);
    if (this.#nodes.get(node)?.has(key)) return; // told twice (a reload crossed a message)
    const holder = this.#host.registry.user(user.name);
    if (holder !== undefined) {
      this.#host.log(`cluster: ${user.name} of ${node} is also held by ${holder.node ?? 'us'}`);
      if (holder.node === undefined) return;
      this.leave(holder.node, user.name, VANISHED);
    }
    const member = new RemoteMember(user.name, node, this.#relay);
    const users = this.#nodes.get(node) ?? new Map<string, RemoteMember>();
    this.#nodes.set(node, users);
    users.set(key, member);
    this.#host.registry.adopt(member, user.room, quiet);
  }

  /** A user of `node` left; the local members of its room hear `why` unless null. */
  leave(node: string, name: string, why: string | null): void {
    const users = this.#nodes.get(node);
    const member = users?.get(nameKey(name));
    if (users === undefined || member === undefined) return;
    users.delete(nameKey(name));
    this.#host.registry.leave(member, why);
  }

  /** `node`'s users as Redis has them now: those gone leave, those new enter. */
  reconcile(node: string, now: readonly RemoteUser[]): void {
    const keys = new Set(now.map((user) => nameKey(user.name)));
    for (const member of [...(this.#nodes.get(node)?.values() ?? [])]) {
      if (!keys.has(nameKey(member.username))) this.leave(node, member.username, VANISHED);
    }
    for (const user of now) this.enter(node, user, false);
  }

  /** `node` is dead: every user of it leaves (disconnected). */
  drop(node: string): void {
    for (const member of [...(this.#nodes.get(node)?.values() ?? [])]) {
      this.leave(node, member.username, VANISHED);
    }
    this.#nodes.delete(node);
  }

  /** The other servers known here and their users. */
  nodes(): ClusterNode[] {
    return [...this.#nodes].map(([node, users]) => ({
      node,
      users: [...users.values()].map((member) => member.username),
    }));
  }

  known(): string[] {
    return [...this.#nodes.keys()];
  }
}
