/** The server's limits (docs/PROTOCOL.md, "Limits"); every one can be raised by its owner. */
export interface ChatLimits {
  /** Bytes in a line, not counting '\n' or '\r\n'. */
  maxLineBytes: number;
  /** Oversize or badly encoded lines tolerated; this many closes the connection. */
  maxBadLines: number;
  /** Refused answers per login step. */
  maxLoginTries: number;
  loginTimeoutMs: number;
  /** Open connections, logged in or not. */
  maxConnections: number;
  /** Token bucket: refill rate and size, in lines. */
  rateLinesPerSecond: number;
  rateBurst: number;
  /** Lines refused in one rate-limited episode before the client is disconnected. */
  floodLimit: number;
  /** Bytes queued to one client; past it the client is cut off. */
  maxOutboxBytes: number;
  /** Time a client's full write buffer may take to drain. */
  stallTimeoutMs: number;
  /** After the server ends a connection, time before it resets it. */
  closeGraceMs: number;
  /** Connections from one address still in the login dialog. */
  maxLoginsPerAddress: number;
  /** Connections from one address, logged in or not. */
  maxConnectionsPerAddress: number;
  /**
   * The login deadline while half of maxConnections are in the dialog; a full server also ends
   * the oldest dialog past it to let a newcomer in.
   */
  pressureLoginTimeoutMs: number;
  /** Silence from a logged-in client before the server sends PING. */
  pingIdleMs: number;
  /** Time after a PING for any line from the client; then it is dropped. */
  pingTimeoutMs: number;
  /** TCP keepalive: idle time before the system's first probe (real sockets). */
  tcpKeepAliveMs: number;
  /** Wrong passwords from one address before backoff. */
  passwordFreeFailures: number;
  /** Wrong passwords for one room (from anywhere) before backoff. */
  roomFreeFailures: number;
  /** First backoff after the free failures; it doubles with every further failure. */
  passwordBackoffMs: number;
  passwordBackoffMaxMs: number;
  /** Password checks per second, server-wide. */
  passwordChecksPerSecond: number;
  /** Bytes queued to all clients together; past it the largest backlogs are cut off. */
  maxTotalOutboxBytes: number;
  /**
   * Work (deliveries, and socket writes at 8 each) one event-loop turn spends on lines to rooms
   * of more than 63 members before the rest of those wait for a later turn.
   */
  turnBudget: number;
  /**
   * Silence after a read that ended without '\n', on a connection that never sent one, after
   * which the bytes held are taken as one line (the 2016 client writes each message unterminated).
   */
  unterminatedQuietMs: number;
}

export const DEFAULT_LIMITS: Readonly<ChatLimits> = Object.freeze({
  maxLineBytes: 4096,
  maxBadLines: 3,
  maxLoginTries: 5,
  loginTimeoutMs: 60_000,
  maxConnections: 1024,
  rateLinesPerSecond: 20,
  rateBurst: 40,
  floodLimit: 200,
  maxOutboxBytes: 1024 * 1024,
  stallTimeoutMs: 30_000,
  closeGraceMs: 2_000,
  // Generous enough for a classroom or an office behind one NAT, far below maxConnections.
  maxLoginsPerAddress: 32,
  maxConnectionsPerAddress: 128,
  pressureLoginTimeoutMs: 10_000,
  pingIdleMs: 60_000,
  pingTimeoutMs: 60_000,
  tcpKeepAliveMs: 30_000,
  passwordFreeFailures: 5,
  roomFreeFailures: 20,
  passwordBackoffMs: 1_000,
  passwordBackoffMaxMs: 60_000,
  passwordChecksPerSecond: 100,
  maxTotalOutboxBytes: 64 * 1024 * 1024,
  turnBudget: 20_000,
  unterminatedQuietMs: 200,
});

/** Defaults overridden by `overrides`; each value checked (a bad one is a programming error). */
export function resolveLimits(overrides: Partial<ChatLimits>): Readonly<ChatLimits> {
  const limits: ChatLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ChatLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new RangeError(`limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  if (!Number.isFinite(limits.maxLineBytes) || !Number.isInteger(limits.maxLineBytes)) {
    throw new RangeError(`limit maxLineBytes must be a positive integer`);
  }
  return Object.freeze(limits);
}
