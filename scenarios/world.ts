/**
 * A scenario's world: hosts on a backend (simulator or loopback), the chat server(s), raw line
 * clients, peers and files, plus the records the invariants are checked against: which clients
 * behave, which files existed before, which downloads completed, which errors users saw.
 */
import seedrandom from 'seedrandom';
import { LineClient } from '../harness/line-client.ts';
import { loginAnswers, welcomePrefix } from '../harness/login.ts';
import { ChatServer } from '../impl/chat/server.ts';
import { WhohasError } from '../impl/errors.ts';
import type { TransferEnd } from '../impl/peer/types.ts';
import type { Backend, WorldHost } from './backend.ts';
import { createRealBackend } from './backend-real.ts';
import { createSimBackend } from './backend-sim.ts';
import type { LinkProfile, LinkSpec, Transport } from './format.ts';
import { OutboxMeter } from './outbox-meter.ts';
import {
  type ClientRecord,
  type FileRecord,
  type ServerOptions,
  type ServerRecord,
  seededBytes,
  sha256,
  type WorldOptions,
} from './records.ts';

export async function createWorld(options: WorldOptions): Promise<World> {
  const backend =
    options.transport === 'sim'
      ? createSimBackend(options.seed, options.maxTimeMs, options.impairments)
      : await createRealBackend(options.seed, options.impairments);
  return new World(options, backend);
}

export class World {
  readonly seed: number;
  readonly transport: Transport;
  readonly link: LinkProfile;
  readonly unhandled: unknown[];
  readonly hosts = new Map<string, WorldHost>();
  readonly servers: ServerRecord[] = [];
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
  /** Hosts crashed on purpose so far (a host crashed twice counts twice). */
  crashes = 0;
  /** Recovery checks added by the world's builders (a peer must still download...). */
  readonly liveness: Array<() => Promise<void>> = [];
  /** Objects with cleanup to run at the end (peers, extra sockets). */
  readonly disposers: Array<() => Promise<void> | void> = [];
  readonly random: seedrandom.PRNG;
  private readonly startedAt: number;
  private deadline = Number.POSITIVE_INFINITY;
  private probes = 0;
  private readonly crashed = new Set<WorldHost>();
  private readonly everCrashed = new Set<WorldHost>();

  constructor(
    options: WorldOptions,
    readonly backend: Backend,
  ) {
    this.seed = options.seed;
    this.transport = options.transport;
    this.link = options.link;
    this.unhandled = options.unhandled;
    this.random = seedrandom.alea(`${options.seed}/scenario`);
    this.startedAt = backend.now();
  }

  // ------------------------------------------------------------ time

  startPhase(name: 'fault' | 'healed', budgetMs: number): void {
    this.phase = name;
    this.deadline = this.backend.now() + budgetMs;
  }

  elapsedMs(): number {
    return this.backend.now() - this.startedAt;
  }

  /** Settles with `promise`, running the network; past the phase's budget, BUDGET_EXCEEDED. */
  until<T>(promise: Promise<T>): Promise<T> {
    return this.backend.until(promise, this.deadline);
  }

  /** Lets `ms` of (virtual) time pass. */
  async sleep(ms: number): Promise<void> {
    // A host of its own, so sleeping works whichever hosts the scenario crashes.
    const host = this.host('timekeeper');
    await this.until(new Promise<void>((resolve) => host.platform.clock.setTimeout(resolve, ms)));
  }

  /** Waits (polling every `stepMs`) until `condition` holds; past the budget, INVARIANT. */
  async eventually(condition: () => boolean, why: () => string, stepMs = 10): Promise<void> {
    while (!condition()) {
      if (this.backend.now() + stepMs > this.deadline) throw new WhohasError('INVARIANT', why());
      await this.sleep(stepMs);
    }
  }

  // ------------------------------------------------------------ hosts and links

  host(name: string): WorldHost {
    const host = this.hosts.get(name) ?? this.backend.addHost(name);
    this.hosts.set(name, host);
    return host;
  }

  /** Applies the scenario's link profile (or `link`) to the datagram path between two hosts. */
  impair(a: string, b: string, link: LinkProfile = this.link): void {
    const [forward, reverse]: [LinkSpec, LinkSpec] =
      typeof link === 'object' && 'forward' in link ? [link.forward, link.reverse] : [link, link];
    this.backend.impair(this.host(a), this.host(b), forward, reverse);
  }

  async symlink(hostName: string, target: string, path: string): Promise<void> {
    await this.backend.symlink(this.host(hostName), target, path);
  }

  partition(a: string, b: string): void {
    this.backend.partition(this.host(a), this.host(b));
  }

  /** The host's process dies: its sockets vanish, its servers are down, its files stay. */
  crash(name: string): void {
    const host = this.host(name);
    this.backend.crash(host);
    this.crashes++;
    this.crashed.add(host);
    this.everCrashed.add(host);
    for (const record of this.servers) if (record.host === host) record.up = false;
  }

  /** Back up with the same files and address, nothing running. */
  restart(name: string): void {
    const host = this.host(name);
    this.backend.restart(host);
    this.crashed.delete(host);
  }

  /** Crashed at some point, even if restarted since. */
  wasCrashed(name: string): boolean {
    return this.everCrashed.has(this.host(name));
  }

  isCrashed(name: string): boolean {
    return this.crashed.has(this.host(name));
  }

  heal(): void {
    this.backend.healAll();
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

  async startServer(options: ServerOptions = {}): Promise<ServerRecord> {
    const host = this.host(options.host ?? 'server');
    const meter = new OutboxMeter(host.platform);
    const server = new ChatServer({
      ...options.limits,
      platform: meter.platform,
      host: host.address,
      port: options.port ?? (this.transport === 'sim' ? 50_000 : 0),
      portTries: options.portTries ?? 10,
    });
    const address = await this.until(server.listen());
    const record: ServerRecord = { server, host, port: address.port, meter, up: true };
    this.servers.push(record);
    return record;
  }

  get server(): ServerRecord {
    const record = this.servers.find((s) => s.up);
    if (!record) throw new WhohasError('INVARIANT', 'no chat server is up');
    return record;
  }

  /** A raw connection that has not logged in; not counted as well-behaved. */
  async connect(label: string, hostName = label, server = this.server): Promise<LineClient> {
    const host = this.host(hostName);
    const client = await this.until(
      LineClient.connect(host.platform, server.port, server.host.address, label),
    );
    this.clients.push({ client, wellBehaved: false, retired: false });
    this.transcripts.push(client);
    return client;
  }

  /** Logs in through the whole dialog; the client counts as well-behaved from then on. */
  async login(
    name: string,
    room: string,
    options: { create?: boolean; password?: string; host?: string; server?: ServerRecord } = {},
  ): Promise<LineClient> {
    const client = await this.connect(name, options.host ?? name, options.server);
    for (const line of loginAnswers(name, room, options)) client.send(line);
    await this.until(client.expect(welcomePrefix(room), `welcome to ${room}`));
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

  /** For teardown: settles `promise` within a minute of (virtual) time, whatever the phase. */
  settle<T>(promise: Promise<T>): Promise<T> {
    return this.backend.until(promise, this.backend.now() + 60_000);
  }

  /** Closes everything, even past a failing step (real sockets must not outlive the run). */
  async dispose(): Promise<void> {
    const steps: Array<() => Promise<void> | void> = [...this.disposers.splice(0).reverse()];
    steps.push(() => {
      for (const { client } of this.clients) if (!client.isClosed) client.destroy();
    });
    for (const record of this.servers) {
      steps.push(async () => {
        if (record.up) await this.settle(record.server.close('scenario over'));
        record.up = false;
      });
    }
    steps.push(() => this.backend.dispose());
    const failures: unknown[] = [];
    for (const step of steps)
      await Promise.resolve()
        .then(step)
        .catch((e) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  }
}
