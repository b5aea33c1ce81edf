/**
 * What a Peer is built from and what it tells its listeners: the constructor options, checked
 * here once (misuse throws at once), and the events.
 */

import type { Scheme } from '../arq/codec.ts';
import type { TransferOptionsInput } from '../arq/options.ts';
import { nameProblem } from '../chat/wire.ts';
import { WhohasError } from '../errors.ts';
import type { Platform } from '../platform/types.ts';
import type { KeyPair } from '../seal/keys.ts';
import {
  checkArq,
  checkPacketSize,
  checkParallel,
  checkWindow,
  DEFAULT_PACKET_SIZE,
  DEFAULT_PARALLEL,
  DEFAULT_WHOHAS_WAIT_MS,
  DEFAULT_WINDOW,
  type ServerAddress,
} from './limits.ts';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from './merkle.ts';
import { DEFAULT_PUNCH_MS, type NatSettings } from './nat-link.ts';
import { DEFAULT_STALE_PARTIAL_MS } from './partials.ts';
import { REPLY_BUDGET, type ReplyBudgetLimits } from './reply-budget.ts';
import type { RoomPins } from './room-pins.ts';
import type { ServerTrust } from './server-trust.ts';
import type { SessionState } from './session.ts';
import type { SealSettings } from './transfer-seal.ts';
import type { TransferEnd, TransferInfo } from './types.ts';

export interface PeerOptions {
  platform: Platform;
  name: string;
  /** Undefined: try 127.0.0.1 ports 50000..50009 in turn, as the 2016 client did. */
  server?: ServerAddress;
  /** The share folder; downloads land here too unless told otherwise. */
  folder: string;
  window?: number;
  /** The ARQ scheme downloads ask for (default 'gbn'). */
  arq?: Scheme;
  packetSize?: number;
  /** Upload slots: requests past this many running uploads are refused with SLOTS_FULL. */
  parallel?: number;
  /** Global share flag at start (default on). */
  share?: boolean;
  /** Go-Back-N settings beyond window and packet size. */
  transfer?: TransferOptionsInput;
  /** How long whohas collects answers (default 1000 ms of platform time). */
  whohasWaitMs?: number;
  /** How long the server may take to answer a login step (default 30 s). */
  loginTimeoutMs?: number;
  /** Room ids pinned on first use (docs/PROTOCOL.md, "Room identity"); none: no pinning. */
  roomPins?: RoomPins;
  /** Enter a room whose id differs from the pinned one (and pin the new id). */
  acceptRoomChange?: boolean;
  /**
   * The user's Ed25519 identity (docs/PROTOCOL.md, "Sealed transfers"): with it, downloads and
   * uploads are sealed and unsealed requests are refused; without it, transfers run in clear.
   */
  identity?: KeyPair;
  /** Owners' key fingerprints pinned on first download; none: no pinning. */
  keyPins?: RoomPins;
  /** Download from an owner whose key differs from the pinned one (and pin the new key). */
  acceptKeyChange?: boolean;
  /** Connect over TLS, trusting the server's certificate as this says (Node platform only). */
  tls?: ServerTrust;
  /** Temporary download files untouched this long are removed at start (default 24 h). */
  stalePartialMs?: number;
  /** The owner's reply budget (docs/PROTOCOL.md, "Reply budget"); raise it only for a server with higher limits. */
  replyBudget?: Partial<ReplyBudgetLimits>;
  /** Chunk size of the trees this owner announces (default 1 MiB; 16 KiB to 64 MiB). */
  chunkBytes?: number;
  /**
   * NAT traversal (docs/PROTOCOL.md, "NAT traversal"): learn the reflexive address from `stun`
   * ('server': the chat server's host and port), punch for every transfer (`punchMs`, default
   * 3000), and ask the server's relay when punching fails (`relay`, default true). Off (the
   * default): transfers go the LAN way, as in 2016.
   */
  nat?: false | { stun: NatSettings['stun']; punchMs?: number; relay?: boolean };
}

export interface PeerEvents {
  /** Every line the server sends, in order, login dialog included. */
  line: [line: string];
  'transfer-start': [info: TransferInfo];
  'transfer-end': [end: TransferEnd];
  /** SERVER_GONE when the server connection dies while we are in a room (only if listened to). */
  error: [error: WhohasError];
}

export type PeerState = SessionState;

export const DEFAULT_LOGIN_TIMEOUT_MS = 30_000;

/** PeerOptions checked, with every default filled in. */
export interface PeerSettings {
  window: number;
  arq: Scheme;
  packetSize: number;
  parallel: number;
  whohasWaitMs: number;
  loginTimeoutMs: number;
  transfer: TransferOptionsInput;
  roomPins: RoomPins | undefined;
  acceptRoomChange: boolean;
  seal: SealSettings | undefined;
  stalePartialMs: number;
  replyBudget: ReplyBudgetLimits;
  chunkBytes: number;
  nat: NatSettings | undefined;
}

/** Throws BAD_NAME, BAD_WINDOW, BAD_PACKET_SIZE or BAD_ARGUMENT for an option out of range. */
export function resolvePeerOptions(options: PeerOptions): PeerSettings {
  const problem = nameProblem(options.name);
  if (problem) {
    throw new WhohasError('BAD_NAME', `username "${options.name}" is invalid: ${problem}`);
  }
  return {
    window: checkWindow(options.window ?? DEFAULT_WINDOW),
    arq: checkArq(options.arq ?? 'gbn'),
    packetSize: checkPacketSize(options.packetSize ?? DEFAULT_PACKET_SIZE),
    parallel: checkParallel(options.parallel ?? DEFAULT_PARALLEL),
    whohasWaitMs: options.whohasWaitMs ?? DEFAULT_WHOHAS_WAIT_MS,
    loginTimeoutMs: options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
    transfer: options.transfer ?? {},
    roomPins: options.roomPins,
    acceptRoomChange: options.acceptRoomChange ?? false,
    seal: options.identity && {
      identity: options.identity,
      keyPins: options.keyPins,
      acceptKeyChange: options.acceptKeyChange ?? false,
    },
    stalePartialMs: checkStalePartialMs(options.stalePartialMs ?? DEFAULT_STALE_PARTIAL_MS),
    replyBudget: checkReplyBudget({ ...REPLY_BUDGET, ...options.replyBudget }),
    chunkBytes: checkChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES),
    nat: options.nat ? checkNat(options.nat) : undefined,
  };
}

function checkNat(nat: Exclude<PeerOptions['nat'], false | undefined>): NatSettings {
  const punchMs = nat.punchMs ?? DEFAULT_PUNCH_MS;
  if (typeof punchMs !== 'number' || !(punchMs > 0)) {
    throw new WhohasError('BAD_ARGUMENT', `nat.punchMs must be a number > 0, got ${punchMs}`);
  }
  const { stun } = nat;
  if (stun !== 'server' && !(stun?.port >= 1 && stun.port <= 65_535 && stun.address)) {
    throw new WhohasError('BAD_ARGUMENT', "nat.stun must be 'server' or { address, port }");
  }
  return { stun, punchMs, relay: nat.relay !== false };
}

function checkReplyBudget(budget: ReplyBudgetLimits): ReplyBudgetLimits {
  for (const [key, value] of Object.entries(budget)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `replyBudget.${key} must be a number > 0, got ${value}`,
      );
    }
  }
  return budget;
}

function checkStalePartialMs(ms: number): number {
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw new WhohasError('BAD_ARGUMENT', `stalePartialMs must be a number >= 0, got ${ms}`);
  }
  return ms;
}

function checkChunkBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < MIN_CHUNK_BYTES || bytes > MAX_CHUNK_BYTES) {
    const range = `${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES}`;
    throw new WhohasError(
      'BAD_ARGUMENT',
      `chunkBytes must be an integer from ${range}, got ${bytes}`,
    );
  }
  return bytes;
}
