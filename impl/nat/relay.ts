/**
 * The relay for pairs that hole punching cannot join (a symmetric NAT facing a port-restricted
 * or symmetric one, or UDP blocked but to the server): TURN-like, on the server's UDP port. The
 * chat server grants a relay for one transfer between two members of one room (`grant`); each
 * peer binds to it from its transfer socket with the transfer id and the grant's secret token;
 * from then on the server forwards each side's frames to the other, in memory only, within a
 * server-wide bandwidth cap and a per-user quota. Nothing is written to disk. Over the cap a
 * frame is dropped (ARQ backs off); a grant whose user's quota is used up is refused: REFUSED
 * (payload: the reason, UTF-8) to both bound ends, and to any frame for it after that.
 *
 * Frame: 0xF1 'W' 'H' 'R' | kind u8 (1 bind, 2 bound, 3 data, 4 refused) | transfer id u32 |
 * token (8 bytes) | side u8 (0 requester, 1 owner) | payload (data: one transfer datagram;
 * refused after binding: the reason).
 */
import type { Clock, DatagramSocket, RemoteInfo } from '../platform/types.ts';

export const RELAY_HEADER_BYTES = 18;
const MAGIC = Buffer.from([0xf1, 0x57, 0x48, 0x52]);
export const RelayKind = { BIND: 1, BOUND: 2, DATA: 3, REFUSED: 4 } as const;
export type Side = 0 | 1;

export interface RelayFrame {
  kind: number;
  transferId: number;
  token: Buffer;
  side: Side;
  payload: Buffer;
}

export function encodeRelayFrame(frame: Omit<RelayFrame, 'payload'>, payload?: Uint8Array): Buffer {
  const bytes = Buffer.alloc(RELAY_HEADER_BYTES + (payload?.length ?? 0));
  MAGIC.copy(bytes, 0);
  bytes[4] = frame.kind;
  bytes.writeUInt32BE(frame.transferId >>> 0, 5);
  frame.token.copy(bytes, 9, 0, 8);
  bytes[17] = frame.side;
  if (payload) bytes.set(payload, RELAY_HEADER_BYTES);
  return bytes;
}

export function decodeRelayFrame(bytes: Buffer): RelayFrame | undefined {
  if (bytes.length < RELAY_HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) return undefined;
  const side = bytes[17];
  if (side !== 0 && side !== 1) return undefined;
  return {
    kind: bytes[4],
    transferId: bytes.readUInt32BE(5),
    token: bytes.subarray(9, 17),
    side,
    payload: bytes.subarray(RELAY_HEADER_BYTES),
  };
}

export interface RelayLimits {
  /** Bytes per second the server relays in all, over all pairs. */
  bandwidthBps: number;
  /** Bytes one user may have relayed (both directions counted to the sender). */
  userQuotaBytes: number;
  /** A grant not bound by both sides within this long, or idle this long, is dropped. */
  idleMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  bandwidthBps: 10e6,
  userQuotaBytes: 1e9,
  idleMs: 60_000,
};

export interface RelayStats {
  granted: number;
  active: number;
  bytesRelayed: number;
  datagramsRelayed: number;
  /** Frames with no grant, a wrong token or a wrong source: dropped. */
  refused: number;
  /** Data dropped by the bandwidth cap. */
  overLimit: number;
  /** Grants refused because a user's quota was used up (both ends told REFUSED). */
  overQuota: number;
}

/** The reason a REFUSED after binding carries when a user's quota is used up. */
export const QUOTA_REASON = 'relay quota used up';

interface Grant {
  users: [string, string];
  token: Buffer;
  ends: [RemoteInfo | undefined, RemoteInfo | undefined];
  lastActive: number;
  /** Set once the grant is refused (a quota used up): nothing more is forwarded. */
  refused?: string;
}

export class RelayServer {
  readonly stats: RelayStats = {
    granted: 0,
    active: 0,
    bytesRelayed: 0,
    datagramsRelayed: 0,
    refused: 0,
    overLimit: 0,
    overQuota: 0,
  };
  readonly #socket: DatagramSocket;
  readonly #clock: Clock;
  readonly #limits: RelayLimits;
  readonly #grants = new Map<number, Grant>();
  readonly #usedByUser = new Map<string, number>();
  #budget: number;
  #budgetAt: number;

  constructor(socket: DatagramSocket, clock: Clock, limits: Partial<RelayLimits> = {}) {
    this.#socket = socket;
    this.#clock = clock;
    this.#limits = { ...DEFAULT_RELAY_LIMITS, ...limits };
    this.#budget = this.#limits.bandwidthBps;
    this.#budgetAt = clock.now();
  }

  /** Allows a relay for `transferId` between `requester` and `owner` (members of one room). */
  grant(transferId: number, token: Buffer, requester: string, owner: string): void {
    this.#expire();
    this.#grants.set(transferId >>> 0, {
      users: [requester, owner],
      token: Buffer.from(token),
      ends: [undefined, undefined],
      lastActive: this.#clock.now(),
    });
    this.stats.granted++;
  }

  /** The live relays, for the admin console. */
  list(): Array<{ transferId: number; users: [string, string]; bound: number }> {
    this.#expire();
    return [...this.#grants].map(([transferId, grant]) => ({
      transferId,
      users: grant.users,
      bound: grant.ends.filter(Boolean).length,
    }));
  }

  /** Takes a datagram that arrived on the server's UDP port; false when it is not a relay frame. */
  handle(msg: Buffer, from: RemoteInfo): boolean {
    const frame = decodeRelayFrame(msg);
    if (!frame) return false;
    const grant = this.#grants.get(frame.transferId);
    if (!grant?.token.equals(frame.token)) {
      this.stats.refused++;
      this.#reply(frame, RelayKind.REFUSED, from);
      return true;
    }
    if (grant.refused !== undefined) {
      this.#reply(frame, RelayKind.REFUSED, from, grant.refused);
      return true;
    }
    const now = this.#clock.now();
    if (frame.kind === RelayKind.BIND) {
      grant.ends[frame.side] = { address: from.address, port: from.port, size: 0 };
      grant.lastActive = now;
      this.#reply(frame, RelayKind.BOUND, from);
      this.#countActive();
      return true;
    }
    const self = grant.ends[frame.side];
    const other = grant.ends[1 - frame.side];
    if (
      frame.kind !== RelayKind.DATA ||
      !self ||
      self.address !== from.address ||
      self.port !== from.port
    ) {
      this.stats.refused++;
      return true;
    }
    if (!other) return true; // the other side has not bound yet: ARQ retransmits
    const user = grant.users[frame.side];
    const spent = this.#spend(user, frame.payload.length, now);
    if (spent === 'quota') {
      this.#refuse(frame, grant, QUOTA_REASON);
      this.stats.overQuota++;
      return true;
    }
    if (spent === 'bandwidth') {
      this.stats.overLimit++;
      return true;
    }
    grant.lastActive = now;
    const forward = encodeRelayFrame({ ...frame, kind: RelayKind.DATA }, frame.payload);
    this.#socket.send(forward, other.port, other.address, () => {});
    this.stats.bytesRelayed += frame.payload.length;
    this.stats.datagramsRelayed++;
    return true;
  }

  #spend(user: string, bytes: number, now: number): 'ok' | 'quota' | 'bandwidth' {
    const used = this.#usedByUser.get(user) ?? 0;
    if (used + bytes > this.#limits.userQuotaBytes) return 'quota';
    // A token bucket of one second's worth: over the cap, datagrams drop and ARQ backs off.
    this.#budget = Math.min(
      this.#limits.bandwidthBps,
      this.#budget + ((now - this.#budgetAt) / 1000) * this.#limits.bandwidthBps,
    );
    this.#budgetAt = now;
    if (this.#budget < bytes) return 'bandwidth';
    this.#budget -= bytes;
    this.#usedByUser.set(user, used + bytes);
    return 'ok';
  }

  /** Ends a grant: both bound ends hear REFUSED with `reason`; later frames hear it again. */
  #refuse(frame: RelayFrame, grant: Grant, reason: string): void {
    grant.refused = reason;
    grant.ends.forEach((end, side) => {
      if (end) this.#reply({ ...frame, side: side as Side }, RelayKind.REFUSED, end, reason);
    });
    this.#countActive();
  }

  #countActive(): void {
    this.stats.active = [...this.#grants.values()].filter(
      (g) => g.ends[0] && g.ends[1] && g.refused === undefined,
    ).length;
  }

  #reply(frame: RelayFrame, kind: number, to: RemoteInfo, reason?: string): void {
    const payload = reason === undefined ? undefined : Buffer.from(reason, 'utf8');
    this.#socket.send(encodeRelayFrame({ ...frame, kind }, payload), to.port, to.address, () => {});
  }

  #expire(): void {
    const now = this.#clock.now();
    for (const [id, grant] of this.#grants) {
      if (now - grant.lastActive > this.#limits.idleMs) this.#grants.delete(id);
    }
  }
}
