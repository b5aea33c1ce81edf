/**
 * The messages the servers of a cluster publish on the Redis channel `<prefix>bus`: JSON, each
 * with the sending node `n`. Whatever arrives is checked field by field; anything else is dropped.
 */

export type BusMessage =
  /** A user of node n entered room r (incarnation id; p: private). */
  | { n: string; t: 'enter'; u: string; r: string; id: string; p: boolean }
  /** A user of node n left; the others hear `User <u> <why>` unless why is null. */
  | { n: string; t: 'leave'; u: string; why: string | null }
  /** A line for room r's members (incarnation id) on the other nodes. */
  | { n: string; t: 'room'; r: string; id: string; line: string }
  /** A line for user `to` on node `at`, in room incarnation id ('' for the admin's lines). */
  | { n: string; t: 'user'; to: string; at: string; id: string; line: string }
  /** End user `to` on node `at` with `line`; its room hears `why` (null: nothing). */
  | { n: string; t: 'kill'; to: string; at: string; line: string; why: string | null }
  /** Every node shuts down, telling its clients `reason`. */
  | { n: string; t: 'exit'; reason: string }
  /** Node n has (re)written its users to Redis: reload them. */
  | { n: string; t: 'sync' }
  /** Node n's marker: back at n, every message Redis delivered before it has been heard. */
  | { n: string; t: 'mark'; id: string };

const FIELDS: Record<BusMessage['t'], Record<string, 'string' | 'boolean' | 'why'>> = {
  enter: { u: 'string', r: 'string', id: 'string', p: 'boolean' },
  leave: { u: 'string', why: 'why' },
  room: { r: 'string', id: 'string', line: 'string' },
  user: { to: 'string', at: 'string', id: 'string', line: 'string' },
  kill: { to: 'string', at: 'string', line: 'string', why: 'why' },
  exit: { reason: 'string' },
  sync: {},
  mark: { id: 'string' },
};

export function encode(message: BusMessage): string {
  return JSON.stringify(message);
}

/** The message, or undefined if `text` is not one. */
export function decode(text: string): BusMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.n !== 'string' || typeof record.t !== 'string') return undefined;
  const fields = FIELDS[record.t as BusMessage['t']];
  if (fields === undefined || !Object.hasOwn(FIELDS, record.t)) return undefined;
  for (const [field, kind] of Object.entries(fields)) {
    const got = record[field];
    const ok = kind === 'why' ? got === null || typeof got === 'string' : typeof got === kind;
    if (!ok) return undefined;
  }
  return record as BusMessage;
}
