import type { Scheme } from '../arq/codec.ts';
import type { TransferOptionsInput } from '../arq/options.ts';
import type { TransferStats } from '../arq/stats.ts';
import type { WhohasError } from '../errors.ts';
import type { Platform } from '../platform/types.ts';
import type { SealStats } from '../seal/sealed-socket.ts';
import type { ServerAddress } from './limits.ts';
import type { TreeId } from './message-fields.ts';
import type { PeerNat } from './nat-link.ts';
import type { NatReport, TransferPair } from './nat-path.ts';
import type { SealSettings } from './transfer-seal.ts';

/** A peer that answered whohas: it offers `file` of `size` bytes, sending from `address`. */
export interface Responder {
  user: string;
  file: string;
  size: number;
  address: string;
  /** The file's SHA-256 (hex) when the owner said (answers of older peers do not). */
  sha256?: string;
  /** Its chunk tree, when the owner said: resume and several sources need it. */
  tree?: TreeId;
}

export type TransferDirection = 'upload' | 'download';

/** One running transfer, as the Peer's read-only state and its events show it. */
export interface TransferInfo {
  readonly direction: TransferDirection;
  /** The other side: the requester of an upload, the owner of a download. */
  readonly user: string;
  readonly file: string;
  readonly transferId: number;
  /** Bytes announced by the owner. */
  readonly size: number;
  readonly window: number;
  readonly packetSize: number;
  /** The ARQ scheme the transfer runs. */
  readonly arq: Scheme;
  /** With NAT traversal, once known: punched (`direct`) or through the server's `relay`. */
  readonly route?: 'direct' | 'relay';
  /** The pair it runs over (with NAT traversal). */
  readonly pair?: TransferPair;
}

export interface TransferEnd extends TransferInfo {
  /** Present when the transfer completed. */
  readonly stats?: TransferStats;
  /** Downloads only: where the file was committed. */
  readonly path?: string;
  /** Present when it failed or was refused. */
  readonly error?: WhohasError;
  /** Sealed transfers: datagrams sealed, opened, and refused as forged or replayed. */
  readonly seal?: SealStats;
  /** With NAT traversal: probes sent and answered, strangers, control datagrams filtered. */
  readonly nat?: NatReport['nat'];
}

export interface DownloadResult {
  /** The committed file: never an existing file overwritten (`name (1).ext` instead). */
  path: string;
  stats: TransferStats;
  /** The responder that delivered it. */
  from: Responder;
  /** Why each earlier responder could not deliver, in the order they were tried. */
  failures: AttemptFailure[];
  /** Every owner a chunked download used (docs/PROTOCOL.md, "Several sources"). */
  sources: SourceReport[];
  /** Bytes an earlier, interrupted download had kept and verified: not fetched again. */
  resumedBytes: number;
  /** The content fetched, when the owners named it. */
  sha256?: string;
  /** Set when owners disagreed on what the name holds (the majority's content was fetched). */
  disagreement?: string;
  /** With NAT traversal: `direct` (punched) or `relay`, and the pair (absent: the LAN way). */
  route?: 'direct' | 'relay';
  pair?: TransferPair;
}

/** What one owner contributed to a download. */
export interface SourceReport {
  user: string;
  /** Bytes of verified chunks it delivered. */
  bytes: number;
  chunks: number;
  /** Its refusals, failed transfers and bad chunks. */
  failures: number;
}

export interface AttemptFailure {
  user: string;
  error: WhohasError;
}

export interface DownloadOptions {
  window?: number;
  arq?: Scheme;
  packetSize?: number;
  /** Where the file lands; the share folder by default (as in 2016). */
  outDir?: string;
  /** Called with bytes received so far and the announced size while a transfer runs. */
  onProgress?: (bytes: number, size: number, from: string) => void;
  /** For a user name rather than responders: how long to wait for that owner's `have`. */
  waitMs?: number;
  /** Owners to fetch chunks from at once (default 4; 1: one at a time, still resumable). */
  sources?: number;
  /** Fetch this content only (hex SHA-256): owners of other content under the name are skipped. */
  sha256?: string;
  /** Largest run of chunks asked in one request (chunk-runs.ts; default 64 MiB). */
  maxRunBytes?: number;
}

/** What uploads and downloads need from the Peer that owns them. */
export interface PeerLink {
  readonly platform: Platform;
  /**
   * Sends `@<to>|<text>` on the user's behalf; false when the server connection is gone,
   * OUTBOX_FULL thrown when the server has stopped reading.
   */
  sendTo(to: string, text: string): boolean;
  /** Sends `@<to>|<text>` produced by the peer itself; false when dropped or gone. */
  reply(to: string, text: string): boolean;
  /** The address our chat socket uses: datagram sockets bind and advertise it. */
  localAddress(): string;
  /** Go-Back-N settings beyond window and packet size (timeouts, retries, ACK policy). */
  readonly transferOptions: TransferOptionsInput;
  /** Our name (signed into sealed transfers) and the server we are on (keys pin per server). */
  readonly session: { readonly name: string; readonly server: ServerAddress | undefined };
  /** Present when transfers are sealed. */
  readonly seal: SealSettings | undefined;
  /** Present when the peer traverses NATs (PeerOptions.nat). */
  readonly nat?: PeerNat;
  started(info: TransferInfo): void;
  ended(end: TransferEnd): void;
}
