/**
 * What a scenario world records for the invariants: its line clients (and whether they must
 * still be served), the files that existed before the fault, and the options it was built on.
 */
import { createHash } from 'node:crypto';
import type { BackendKind, LinkProfile, WorldHost } from '../harness/backend.ts';
import type { LineClient } from '../harness/line-client.ts';
import type { ChatLimits } from '../impl/chat/limits.ts';
import type { RelayGranter } from '../impl/chat/relay-grants.ts';

/** A chat server to start: its host (default `server`), port, port tries and limits. */
export interface ServerOptions {
  host?: string;
  port?: number;
  portTries?: number;
  limits?: Partial<ChatLimits>;
  /** The relay the server grants (world-nat.ts `startNatServer` makes it); none by default. */
  granter?: RelayGranter;
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

export interface ScenarioWorldOptions {
  seed: number;
  transport: BackendKind;
  link: LinkProfile;
  unhandled: unknown[];
  /** Virtual-time budget of the whole run (fault and healed phases, and teardown). */
  maxTimeMs: number;
  /** false: the network applies no impairment (the premise check of evidence.ts). */
  impairments: boolean;
  /** Keep every packet for a pcapng (`whohas scenario --pcap`); the simulator only. */
  capture?: boolean;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `length` bytes drawn from `random` (a world's seeded generator). */
export function seededBytes(random: { int32(): number }, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 4) {
    const word = random.int32();
    for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return out;
}
