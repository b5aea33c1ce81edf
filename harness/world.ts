/**
 * The one world builder: named hosts on a backend (the simulator, or real sockets on loopback),
 * chat servers, raw line clients and peers on them, `until` within a time budget, and the fault
 * verbs the backend offers (`crash`, `restart`, `partition`, `hold`, `release`, `impair`,
 * `heal`). Tests, the scenario catalogue (scenarios/world.ts adds its records and invariants on
 * top) and benchmarks build on it; on the simulator everything derives from the seed.
 */
import { ChatServer, type ChatServerOptions } from '../impl/chat/index.ts';
import { WhohasError } from '../impl/errors.ts';
import { Peer, type PeerOptions } from '../impl/peer/peer.ts';
import type { Platform } from '../impl/platform/types.ts';
import type { SimHost, Simulator, SimulatorOptions } from '../sim/index.ts';
import type { Backend, BackendKind, LinkProfile, LinkSpec, WorldHost } from './backend.ts';
import { createRealBackend } from './backend-real.ts';
import { createSimBackend } from './backend-sim.ts';
import { LineClient } from './line-client.ts';
import { type LoginOptions, loginAnswers, welcomePrefix } from './login.ts';
import { OutboxMeter } from './outbox-meter.ts';

export interface WorldOptions {
  backend: BackendKind;
  seed: number | string;
  /** The simulator's virtual-time budget for the whole run (a hang stops there). */
  maxTimeMs?: number;
  /** false: the network applies no impairment (the premise check of scenarios/evidence.ts). */
  impairments?: boolean;
  /** More simulator options (budgets, trace); the simulator backend only. */
  simulator?: Omit<SimulatorOptions, 'seed' | 'maxTimeMs' | 'impairments'>;
}

/** A chat server the world started, with the meter on its connections. */
export interface ServerHandle {
  server: ChatServer;
  host: WorldHost;
  port: number;
  /** The largest write buffer any of its connections reached, and how many are open. */
  meter: OutboxMeter;
  /** False once it was shut down or its host crashed. */
  up: boolean;
}

export interface ServerStart {
  /** The host's name (default `server`). */
  host?: string;
  /** Default: 50000 on the simulator, any free port on loopback. */
  port?: number;
  portTries?: number;
  /** More ChatServer options (limits, log, the address to bind). */
  settings?: Partial<Omit<ChatServerOptions, 'platform' | 'port' | 'portTries'>>;
}

export type PeerStart = Omit<PeerOptions, 'platform' | 'name' | 'server'> & {
  server?: ServerHandle;
  /** A fault over the host's platform (disk-faults.ts), e.g. `lyingDisk`. */
  fault?: (platform: Platform) => Platform;
  /** The host it runs on, when not the one named like the user (a restarted user's new name). */
  host?: string;
};

export async function createWorld(options: WorldOptions): Promise<World> {
  return new World(options, await createBackend(options));
}

export async function createBackend(options: WorldOptions): Promise<Backend> {
  return options.backend === 'sim'
    ? createSimBackend(
        options.seed,
        { ...options.simulator, maxTimeMs: options.maxTimeMs },
        options.impairments,
      )
    : createRealBackend(options.seed, options.impairments);
}

export class World {
  readonly seed: number | string;
  readonly kind: BackendKind;
  readonly hosts = new Map<string, WorldHost>();
  readonly servers: ServerHandle[] = [];
  readonly peers = new Map<string, Peer>();
  /** Every raw connection made through `connect`, destroyed at `dispose`. */
  readonly connections: LineClient[] = [];
  /** Hosts crashed on purpose so far (a host crashed twice counts twice). */
  crashes = 0;
  /** `until` past this (on `backend.now()`'s clock) rejects with BUDGET_EXCEEDED. */
  protected deadline = Number.POSITIVE_INFINITY;
  private readonly crashed = new Set<WorldHost>();
  private readonly everCrashed = new Set<WorldHost>();

  constructor(
    options: WorldOptions,
    readonly backend: Backend,
  ) {
    this.seed = options.seed;
    this.kind = backend.kind;
  }

  // ------------------------------------------------------------ time

  /** Settles with `promise`, running the network; past the budget, BUDGET_EXCEEDED. */
  until<T>(promise: Promise<T>): Promise<T> {
    return this.backend.until(promise, this.deadline);
  }

  /** From now on, `until` has `budgetMs` (virtual on the simulator) left. */
  setBudget(budgetMs: number): void {
    this.deadline = this.backend.now() + budgetMs;
  }

  /** For teardown: settles `promise` within a minute of (virtual) time, whatever the budget. */
  settle<T>(promise: Promise<T>): Promise<T> {
    return this.backend.until(promise, this.backend.now() + 60_000);
  }

  /** Lets `ms` pass on `hostName`'s clock (a host of its own by default, never crashed). */
  async sleep(ms: number, hostName = 'timekeeper'): Promise<void> {
    const host = this.host(hostName);
    await this.until(new Promise<void>((resolve) => host.platform.clock.setTimeout(resolve, ms)));
  }

  // ------------------------------------------------------------ hosts and faults

  host(name: string): WorldHost {
    const host = this.hosts.get(name) ?? this.backend.addHost(name);
    this.hosts.set(name, host);
    return host;
  }

  /** The simulator, on the simulator backend. */
  get sim(): Simulator | undefined {
    return 'sim' in this.backend ? (this.backend.sim as Simulator) : undefined;
  }

  /** The simulator's own host (its file store, its crash state); the simulator backend only. */
  simHost(name: string): SimHost {
    const sim = this.sim;
    if (sim === undefined) throw new WhohasError('BAD_ARGUMENT', `${name}: not on the simulator`);
    this.host(name);
    return sim.host(name);
  }

  /** Impairs the datagram path between two hosts (one spec, or one per direction). */
  impair(a: string, b: string, link: LinkProfile): void {
    const [forward, reverse]: [LinkSpec, LinkSpec] =
      typeof link === 'object' && 'forward' in link ? [link.forward, link.reverse] : [link, link];
    this.backend.impair(this.host(a), this.host(b), forward, reverse);
  }

  partition(a: string, b: string): void {
    this.backend.partition(this.host(a), this.host(b));
  }

  /** Packets between a and b wait (both ways) until `release`, then go on in order. */
  hold(a: string, b: string): void {
    this.backend.hold(this.host(a), this.host(b));
  }

  release(a: string, b: string): void {
    this.backend.release(this.host(a), this.host(b));
  }

  /** Removes every impairment and partition (crashed hosts stay down). */
  heal(): void {
    this.backend.healAll();
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

  async symlink(hostName: string, target: string, path: string): Promise<void> {
    await this.backend.symlink(this.host(hostName), target, path);
  }

  // ------------------------------------------------------------ chat and peers

  async startServer(options: ServerStart = {}): Promise<ServerHandle> {
    const host = this.host(options.host ?? 'server');
    const meter = new OutboxMeter(host.platform);
    const server = new ChatServer({
      host: host.address,
      ...options.settings,
      platform: meter.platform,
      port: options.port ?? (this.kind === 'sim' ? 50_000 : 0),
      portTries: options.portTries ?? 10,
    });
    const address = await this.until(server.listen());
    const record: ServerHandle = { server, host, port: address.port, meter, up: true };
    this.servers.push(record);
    return record;
  }

  /** The first server that is up. */
  get server(): ServerHandle {
    const record = this.servers.find((s) => s.up);
    if (!record) throw new WhohasError('INVARIANT', 'no chat server is up');
    return record;
  }

  /** A raw connection from host `hostName` that has not logged in. */
  async connect(label: string, hostName = label, server = this.server): Promise<LineClient> {
    const host = this.host(hostName);
    const client = await this.until(
      LineClient.connect(host.platform, server.port, server.host.address, label),
    );
    this.connections.push(client);
    return client;
  }

  /** Connects and sends the whole login dialog at once; resolves once in the room. */
  async login(
    name: string,
    room: string,
    options: LoginOptions & { host?: string; server?: ServerHandle } = {},
  ): Promise<LineClient> {
    const client = await this.connect(name, options.host ?? name, options.server);
    for (const line of loginAnswers(name, room, options)) client.send(line);
    await this.until(client.expect(welcomePrefix(room), `welcome to ${room}`));
    return client;
  }

  /** A Peer on the host of its name, talking to `server` (default: the first one up). */
  createPeer(name: string, options: PeerStart): Peer {
    const { server = this.server, fault = (p: Platform) => p, host = name, ...rest } = options;
    const peer = new Peer({
      ...rest,
      platform: fault(this.host(host).platform),
      name,
      server: { host: server.host.address, port: server.port },
    });
    this.peers.set(name, peer);
    return peer;
  }

  /** Closes the connections and servers, then the backend; `before` runs first (peers...). */
  async dispose(
    before: Array<() => Promise<void> | void> = [],
    reason = 'world over',
  ): Promise<void> {
    const steps = [...before];
    steps.push(() => {
      for (const client of this.connections) if (!client.isClosed) client.destroy();
    });
    for (const record of this.servers) {
      steps.push(async () => {
        if (record.up) await this.settle(record.server.close(reason));
        record.up = false;
      });
    }
    steps.push(() => this.backend.dispose());
    // Every step runs even past a failing one: real sockets must not outlive the run.
    const failures: unknown[] = [];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((e) => failures.push(e));
    }
    if (failures.length > 0) throw failures[0];
  }
}
