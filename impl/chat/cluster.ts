/**
 * The routing seam: everything a chat server says to, or hears from, the rest of its cluster goes
 * through one ClusterLink. LocalCluster (the default) is a cluster of one: every answer is
 * immediate and nothing leaves the process, so the single server and the simulator behave exactly
 * as before. impl/cluster/ holds the Redis link (real I/O, so not in this folder); it mirrors the
 * other servers' users into the local Registry as RemoteMembers. See docs/CLUSTER.md.
 */
import type { Member, Registry, Room } from './rooms.ts';
import type { MutableChatStats } from './stats.ts';

/** A cluster-wide claim: granted, held by someone else, or unanswerable (the cluster is away). */
export type Claim = 'ok' | 'taken' | 'unavailable';

/** A value now (in-process) or later (over the network). */
export type Maybe<T> = T | Promise<T>;

/** What a link may do to the server it is attached to. */
export interface ClusterHost {
  readonly registry: Registry;
  readonly stats: MutableChatStats;
  log(line: string): void;
  /** Runs `work` with output gathered until the end of the turn (one write per client). */
  batch(work: () => void): void;
  /** Stops this server, telling every local client `reason`. */
  shutdown(reason: string): void;
}

/** One server of the cluster and the users it holds (admin `servers`). */
export interface ClusterNode {
  readonly node: string;
  readonly users: readonly string[];
}

export interface ClusterLink {
  /** This server's name in the cluster. */
  readonly node: string;
  /** False while the cluster cannot be reached: new logins are refused (CLUSTER_UNAVAILABLE). */
  readonly available: boolean;
  attach(host: ClusterHost): void;
  /** Claims a username cluster-wide, atomically: of two claims of one name, one gets 'ok'. */
  claimName(name: string): Maybe<Claim>;
  /** Reserves a room name cluster-wide for a creator answering the protect question. */
  reserveRoom(name: string): Maybe<Claim>;
  /** Checks a password guess for a private room (the cluster keeps only a salted hash). */
  checkPassword(room: Room, guess: string): Maybe<boolean | 'unavailable'>;
  /** A local member entered `room`; `password` is the clear one on create (hashed before it leaves). */
  entered(member: Member, room: Room, created: boolean, password?: string): void;
  /** A local member (or a name still in the dialog) is gone; others hear `notice` unless null. */
  left(name: string, room: Room | undefined, notice: string | null): void;
  /** A room name reserved by a creator who never finished. */
  unreserved(name: string): void;
  /** `line` for the members of `room` on the other servers (the local ones have it already). */
  relayRoom(room: Room, sender: string, bytes: Buffer): void;
  /** Settles once this server has heard what the others told the cluster before now. */
  caughtUp(): Maybe<void>;
  /** Settles once what was told to the cluster so far has reached it (a user is welcomed after). */
  settled(): Maybe<void>;
  /** The servers and their users. */
  nodes(): ClusterNode[];
  /** Asks every server of the cluster to shut down. */
  exitAll(reason: string): void;
  /** This server is shutting down: its users' departures are told as disconnections. */
  closing(): void;
  close(): Promise<void>;
}

/** The cluster of one: the single server and the simulator. */
export class LocalCluster implements ClusterLink {
  readonly node = 'local';
  readonly available = true;
  #host: ClusterHost | undefined;

  attach(host: ClusterHost): void {
    this.#host = host;
  }

  claimName(): Claim {
    return 'ok';
  }

  reserveRoom(): Claim {
    return 'ok';
  }

  checkPassword(room: Room, guess: string): boolean {
    return room.checkPassword(guess);
  }

  entered(): void {}
  left(): void {}
  unreserved(): void {}
  relayRoom(): void {}
  settled(): void {}
  caughtUp(): void {}

  nodes(): ClusterNode[] {
    const users = this.#host?.registry.usersInRooms().map((user) => user.username!) ?? [];
    return [{ node: this.node, users }];
  }

  exitAll(reason: string): void {
    this.#host?.shutdown(reason);
  }

  closing(): void {}

  async close(): Promise<void> {}
}

/** What a RemoteMember needs of its link. */
export interface RemoteRelay {
  sendTo(member: RemoteMember, bytes: Buffer): void;
  endOn(member: RemoteMember, finalLine: string | undefined, notice: string | null): void;
}

/**
 * A user held by another server, as this server sees it: in its room's member set (so get_peers,
 * @user and the admin see it), with every line for it relayed to its server.
 */
export class RemoteMember implements Member {
  readonly username: string;
  readonly node: string;
  room: Room | undefined;
  readonly #relay: RemoteRelay;

  constructor(username: string, node: string, relay: RemoteRelay) {
    this.username = username;
    this.node = node;
    this.#relay = relay;
  }

  send(line: string): void {
    this.#relay.sendTo(this, Buffer.from(`${line}\n`));
  }

  sendEncoded(bytes: Buffer): void {
    this.#relay.sendTo(this, bytes);
  }

  end(finalLine: string | undefined, notice: string | null = 'was removed by the server'): void {
    this.#relay.endOn(this, finalLine, notice);
  }
}

/** Runs `then` on the value now if it is one, or once the promise settles. */
export function settle<T>(value: Maybe<T>, then: (value: T) => void, failed: () => void): void {
  if (value instanceof Promise) value.then(then, failed);
  else then(value);
}
