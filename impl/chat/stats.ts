/** The chat server's statistics: plain numbers, read-only to everyone but the server. */
export interface ChatServerStats {
  /** Connections open now (logged in or not, including those being closed). */
  readonly connections: number;
  /** Connections accepted since the server started. */
  readonly connectionsAccepted: number;
  /** Users logged in now. */
  readonly users: number;
  /** Rooms that exist now. */
  readonly rooms: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Lines received (every frame: good, oversize, badly encoded, rate limited). */
  readonly linesIn: number;
  /** `#sender|text` lines delivered: a broadcast to n members counts n. */
  readonly linesRouted: number;
  /** Lines refused with RATE_LIMITED. */
  readonly linesRateLimited: number;
  /** Oversize or badly encoded lines. */
  readonly badLines: number;
  /** Connections refused with SERVER_FULL. */
  readonly refusedFull: number;
  /** Connections the server ended for misbehaviour: flooding, never reading, repeated bad
   * lines, too many tries, login timeout. */
  readonly cutOff: number;
  /** Connections the admin console killed (kill, or close of their room). */
  readonly killed: number;
  /** Connections refused with TOO_MANY_CONNECTIONS (per-address caps). */
  readonly refusedAddress: number;
  /** Dialogs a full server ended to let a newcomer in. */
  readonly evicted: number;
  /** Passwords refused unchecked with TOO_MANY_ATTEMPTS. */
  readonly passwordsThrottled: number;
  /** Logged-in sessions dropped for not answering PING. */
  readonly pingTimeouts: number;
  /** Clients cut off because all outboxes together passed maxTotalOutboxBytes. */
  readonly cutOffBudget: number;
  /** Bytes queued to all clients, as last seen (an upper bound). */
  readonly outboxBytes: number;
}

export type MutableChatStats = { -readonly [K in keyof ChatServerStats]: ChatServerStats[K] };

export function createChatStats(): MutableChatStats {
  return {
    connections: 0,
    connectionsAccepted: 0,
    users: 0,
    rooms: 0,
    bytesIn: 0,
    bytesOut: 0,
    linesIn: 0,
    linesRouted: 0,
    linesRateLimited: 0,
    badLines: 0,
    refusedFull: 0,
    cutOff: 0,
    killed: 0,
    refusedAddress: 0,
    evicted: 0,
    passwordsThrottled: 0,
    pingTimeouts: 0,
    cutOffBudget: 0,
    outboxBytes: 0,
  };
}
