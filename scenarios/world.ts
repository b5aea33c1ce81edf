/**
 * A scenario's world: the harness world (harness/world.ts: hosts on a backend, servers, clients,
 * peers, faults) plus the records the invariants are checked against: which clients behave,
 * which files existed before, which downloads completed, which errors users saw.
 */
import seedrandom from 'seedrandom';
import type { BackendKind, WorldHost } from '../harness/backend.ts';
import type { LineClient } from '../harness/line-client.ts';
import type { LoginOptions } from '../harness/login.ts';
import { createBackend, type ServerHandle, World } from '../harness/world.ts';
import { WhohasError } from '../impl/errors.ts';
import type { TransferEnd } from '../impl/peer/types.ts';
import type { SimNat } from '../sim/nat.ts';
import type { LinkProfile } from './format.ts';
import {
  type ClientRecord,
  type FileRecord,
  type ScenarioWorldOptions,
  type ServerOptions,
  seededBytes,
  sha256,
} from './records.ts';
import { natCounters, type ServedNat } from './world-nat.ts';

export async function createScenarioWorld(options: ScenarioWorldOptions): Promise<ScenarioWorld> {
  const backend = await createBackend({
    backend: options.transport,
    seed: options.seed,
    maxTimeMs: options.maxTimeMs,
    impairments: options.impairments,
    simulator: options.capture ? { capture: true } : undefined,
  });
  return new ScenarioWorld(options, backend);
}

export class ScenarioWorld extends World {
  declare readonly seed: number;
  readonly transport: BackendKind;
  readonly link: LinkProfile;
  readonly unhandled: unknown[];
  readonly clients: ClientRecord[] = [];
  /** Files that existed before the scenario acted: never to be changed. */
  readonly seeded: FileRecord[] = [];
  /** Folders downloads go to: nothing may appear in them but seeded files and completed downloads. */
  readonly downloadFolders: Array<{ host: WorldHost; dir: string }> = [];
  /** Downloads that completed, with the hash of the source file. */
  readonly completed: FileRecord[] = [];
  /** Everything each user (raw client or peer) received from a server, for the error check. */
  readonly transcripts: Array<{ readonly label: string; readonly lines: readonly string[] }> = [];
  /** Errors that reached a user through an API (a refused or failed download...). */
  readonly userErrors: unknown[] = [];
  /** Errors peers raised as events (SERVER_GONE...): evidence, with userErrors. */
  readonly peerErrors: WhohasError[] = [];
  /** Every transfer end a peer reported, either side, and whether it started under the fault. */
  readonly transfers: Array<{ end: TransferEnd; underFault: boolean }> = [];
  /** The phase the run is in: transfers that start under the fault are its evidence. */
  phase: 'fault' | 'healed' = 'fault';
  /** Recovery checks added by the world's builders (a peer must still download...). */
  readonly liveness: Array<() => Promise<void>> = [];
  /** Objects with cleanup to run at the end (peers, extra sockets). */
  readonly disposers: Array<() => Promise<void> | void> = [];
  readonly random: seedrandom.PRNG;
  /** NAT boxes, the servers' NAT services and NAT reboots so far (world-nat.ts). */
  readonly natBoxes = new Map<string, SimNat>();
  readonly natServices: ServedNat[] = [];
  natRestarts = 0;
  readonly natNotes: Record<string, number> = {};
  private readonly startedAt: number;
  private probes = 0;

  constructor(options: ScenarioWorldOptions, backend: World['backend']) {
    super({ backend: options.transport, seed: options.seed }, backend);
    this.transport = options.transport;
    this.link = options.link;
    this.unhandled = options.unhandled;
    this.random = seedrandom.alea(`${options.seed}/scenario`);
    this.startedAt = backend.now();
  }

  // ------------------------------------------------------------ time

  startPhase(name: 'fault' | 'healed', budgetMs: number): void {
    this.phase = name;
    this.setBudget(budgetMs);
  }

  /** The network's counters, and the NATs' and relays' when there are any (world-nat.ts). */
  counters(): Record<string, number> {
    return { ...this.backend.counters(), ...natCounters(this) };
  }

  elapsedMs(): number {
    return this.backend.now() - this.startedAt;
  }

  /** Waits (polling every `stepMs`) until `condition` holds; past the budget, INVARIANT. */
  async eventually(condition: () => boolean, why: () => string, stepMs = 10): Promise<void> {
    while (!condition()) {
      if (this.backend.now() + stepMs > this.deadline) throw new WhohasError('INVARIANT', why());
      await this.sleep(stepMs);
    }
  }

  /** Applies the scenario's link profile (or `link`) to the datagram path between two hosts. */
  override impair(a: string, b: string, link: LinkProfile = this.link): void {
    super.impair(a, b, link);
  }

  // ------------------------------------------------------------ content

  /** Deterministic content from the seed. */
  bytes(length: number): Buffer {
    return seededBytes(this.random, length);
  }

  /** Writes a file that must survive the scenario unchanged. */
  async seedFile(hostName: string, path: string, bytes: Uint8Array): Promise<FileRecord> {
    const host = this.host(hostName);
    const dir = path.slice(0, path.lastIndexOf('/'));
    await this.until(host.platform.fs.mkdir(dir));
    await this.until(host.platform.fs.writeFile(path, bytes));
    const record = { host, path, sha256: sha256(bytes) };
    this.seeded.push(record);
    return record;
  }

  watchDownloads(hostName: string, dir: string): void {
    const host = this.host(hostName);
    if (!this.downloadFolders.some((f) => f.host === host && f.dir === dir)) {
      this.downloadFolders.push({ host, dir });
    }
  }

  // ------------------------------------------------------------ chat

  override startServer(options: ServerOptions = {}): Promise<ServerHandle> {
    const { limits, granter, ...start } = options;
    return super.startServer({
      ...start,
      settings: granter ? { ...limits, relay: granter } : limits,
    });
  }

  /** A raw connection that has not logged in; not counted as well-behaved. */
  override async connect(label: string, hostName = label, server = this.server) {
    const client = await super.connect(label, hostName, server);
    this.clients.push({ client, wellBehaved: false, retired: false });
    this.transcripts.push(client);
    return client;
  }

  /** Logs in through the whole dialog; the client counts as well-behaved from then on. */
  override async login(
    name: string,
    room: string,
    options: LoginOptions & { host?: string; server?: ServerHandle } = {},
  ): Promise<LineClient> {
    const client = await super.login(name, room, options);
    this.record(client).wellBehaved = true;
    return client;
  }

  record(client: LineClient): ClientRecord {
    const record = this.clients.find((c) => c.client === client);
    if (!record) throw new WhohasError('BAD_ARGUMENT', `${client.label} is not in this world`);
    return record;
  }

  /** The scenario expects this client to be disconnected; the probe skips it. */
  retire(client: LineClient): void {
    this.record(client).retired = true;
  }

  /** Waits for `ERROR|<code>|<text>` on `client`; the code and a text must both be there. */
  async expectError(client: LineClient, code: string): Promise<string> {
    const line = await this.until(client.expect(`ERROR|${code}|`, `ERROR|${code}|...`));
    if (line.split('|')[2]?.trim() === '') {
      throw new WhohasError('INVARIANT', `${client.label}: ${line} carries no explanation`);
    }
    return line;
  }

  /** A fresh user logs in and round-trips a message through `server`. */
  async probe(server = this.server): Promise<void> {
    const n = ++this.probes;
    const client = await this.login(`probe${n}`, `probe-room-${n}`, {
      create: true,
      host: 'prober',
      server,
    });
    client.send(`@me|probe ${n}`);
    await this.until(client.expect(`#me|probe ${n}`));
    client.send('@server|exit');
    await this.until(client.expect('OK|Goodbye'));
    this.retire(client);
  }

  /** Closes everything, even past a failing step (real sockets must not outlive the run). */
  override dispose(): Promise<void> {
    return super.dispose(this.disposers.splice(0).reverse(), 'scenario over');
  }
}
