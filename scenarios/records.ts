/**
 * What a world records for the invariants: its servers, its line clients (and whether they must
 * still be served), the files that existed before the fault, and the options it was built on.
 */
import { createHash } from 'node:crypto';
import type { ChatServer } from '../impl/chat/server.ts';
import type { WorldHost } from './backend.ts';
import type { LinkProfile, Transport } from './format.ts';
import type { LineClient } from './line-client.ts';
import type { OutboxMeter } from './outbox-meter.ts';

export interface ServerRecord {
  server: ChatServer;
  host: WorldHost;
  port: number;
  /** The largest write buffer any of its connections reached. */
  meter: OutboxMeter;
  /** False once the scenario shut it down or crashed its host on purpose. */
  up: boolean;
}

export interface ClientRecord {
  client: LineClient;
  /** Well-behaved clients must still be served after the fault. */
  wellBehaved: boolean;
  /** Set when the scenario expects this client to be gone (killed, exited). */
  retired: boolean;
}

export interface FileRecord {
  host: WorldHost;
  path: string;
  sha256: string;
}

export interface WorldOptions {
  seed: number;
  transport: Transport;
  link: LinkProfile;
  unhandled: unknown[];
  /** Virtual-time budget of the whole run (fault and healed phases, and teardown). */
  maxTimeMs: number;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
