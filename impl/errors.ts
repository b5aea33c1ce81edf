/**
 * The one errors module. Every error whohas reports carries a stable `code` from this union;
 * docs/PROTOCOL.md lists each with its meaning. On the chat wire an error is
 * `ERROR|<CODE>|<human text>`, so programs match the code and people read the text.
 *
 * Misuse of an API (a bad argument) throws a WhohasError at once; network faults arrive as
 * events or rejected promises carrying one.
 *
 * Shared file: add codes only inside your own section, never reorder or rewrite others.
 */

/** Chat: login dialog. */
export type LoginErrorCode =
  | 'BAD_NAME'
  | 'RESERVED_NAME'
  | 'NAME_TAKEN'
  | 'BAD_CHOICE'
  | 'BAD_ROOM_NAME'
  | 'NO_SUCH_ROOM'
  | 'ROOM_EXISTS'
  | 'BAD_PASSWORD'
  | 'WRONG_PASSWORD'
  | 'TOO_MANY_TRIES'
  | 'LOGIN_TIMEOUT'
  | 'NOT_LOGGED_IN'
  | 'TOO_MANY_ATTEMPTS';

/** Chat: lines, routing, limits, administration. */
export type ChatErrorCode =
  | 'LINE_TOO_LONG'
  | 'BAD_ENCODING'
  | 'BAD_FORMAT'
  | 'EMPTY_MESSAGE'
  | 'NO_SUCH_USER'
  | 'UNKNOWN_COMMAND'
  | 'NOT_A_MEMBER'
  | 'RATE_LIMITED'
  | 'FLOODING'
  | 'OUTBOX_FULL'
  | 'SERVER_FULL'
  | 'TOO_MANY_CONNECTIONS'
  | 'PING_TIMEOUT'
  | 'KILLED'
  | 'ROOM_CLOSED'
  | 'SERVER_SHUTDOWN';

/** Peer: whohas / getfile / share controls. */
export type PeerErrorCode =
  | 'NOT_FOUND'
  | 'NOT_SHARED'
  | 'SLOTS_FULL'
  | 'BAD_FILENAME'
  | 'BAD_WINDOW'
  | 'BAD_PACKET_SIZE'
  | 'BAD_ARGUMENT'
  | 'NO_RESPONDERS'
  | 'ALL_RESPONDERS_FAILED'
  | 'SERVER_GONE'
  | 'PEER_GONE'
  | 'CONNECT_FAILED'
  // The server answered, but not in the whohas protocol (a 2016 server, a web server...).
  | 'NOT_A_WHOHAS_SERVER'
  // Peer security (docs/PROTOCOL.md, "Room identity", "Stale partial files", "Reply budget").
  | 'ROOM_NOT_PRIVATE'
  | 'ROOM_CHANGED'
  | 'FILE_CHANGED'
  // Content and chunks (docs/PROTOCOL.md, "Content and chunks"): the owner's file holds other
  // bytes than the hash asked for; a chunk that does not match its tree leaf.
  | 'CONTENT_MISMATCH'
  | 'BAD_CHUNK';

/** Go-Back-N transfers. */
export type TransferErrorCode =
  | 'TRANSFER_TIMEOUT'
  | 'TRANSFER_ABORTED'
  | 'HASH_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'IO_ERROR'
  | 'UNSUPPORTED_ARQ'
  | 'UNSUPPORTED_VERSION';

/** NAT traversal: reflexive addresses (STUN), hole punching, relay (docs/PROTOCOL.md, "NAT"). */
export type NatErrorCode = 'STUN_TIMEOUT' | 'NAT_TRAVERSAL_FAILED' | 'RELAY_REFUSED';

/** Simulator and scenario harness. */
export type HarnessErrorCode = 'BUDGET_EXCEEDED' | 'DEADLOCK' | 'INVARIANT';

/** Sweeps on a job queue (bench/sweep/queue*.ts). */
export type QueueErrorCode = 'QUEUE_UNAVAILABLE' | 'POINT_FAILED' | 'SWEEP_INTERRUPTED';

export type ErrorCode =
  | LoginErrorCode
  | ChatErrorCode
  | PeerErrorCode
  | TransferErrorCode
  | NatErrorCode
  | HarnessErrorCode
  | QueueErrorCode;

export class WhohasError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WhohasError';
    this.code = code;
  }
}

export function isWhohasError(value: unknown, code?: ErrorCode): value is WhohasError {
  return value instanceof WhohasError && (code === undefined || value.code === code);
}

/** A Node-style system error (ECONNREFUSED, EEXIST...) for platform implementations. */
export function systemError(
  code: string,
  syscall: string,
  message?: string,
): Error & { code: string; syscall: string } {
  const error = new Error(message ?? `${syscall} ${code}`) as Error & {
    code: string;
    syscall: string;
  };
  error.code = code;
  error.syscall = syscall;
  return error;
}
