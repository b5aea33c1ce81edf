import { WhohasError } from '../impl/errors.ts';
import { Clockwork } from './clockwork.ts';
import type { SimCore } from './core.ts';
import { type HostOptions, SimHost } from './host.ts';
import { Path } from './path.ts';
import {
  type PathConfig,
  type ProfileName,
  type ResolvedPathConfig,
  resolvePathConfig,
} from './profiles.ts';
import { forkRandom, type SeededRandom } from './random.ts';
import type { Carrier } from './routing.ts';
import { Trace } from './trace.ts';

export interface SimulatorOptions {
  /** Everything random derives from it; print it with every result. Default 1. */
  seed?: number | string;
  /** Budget: no event may run past this virtual time (ms). Default one hour. */
  maxTimeMs?: number;
  /** Budget: total events over the simulator's life. Default 50 million. */
  maxEvents?: number;
  /** Keep a full record of every packet event in `trace.records`. */
  trace?: boolean;
  /** Keep every sent packet for pcap(). */
  capture?: boolean;
  /**
   * false: every path and link ignores loss, burst loss, bit errors, drop lists, duplication,
   * corruption, reordering and jitter, and partition() does nothing; bandwidth, delay, queues,
   * MTU, holds, crashes and NATs still apply. For premise checks: a fault scenario must fail when
   * its fault cannot happen. Default true.
   */
  impairments?: boolean;
}

export type HostRef = SimHost | string;

/**
 * Hosts, their addresses and the private per-pair paths (connect, partition, hold): the part of
 * the simulator every run uses. Simulator adds routers, links and NATs, and chooses per host
 * pair what carries its packets (carrier()).
 */
export abstract class Network extends Clockwork implements SimCore {
  readonly trace = new Trace();
  readonly hosts: SimHost[] = [];
  private readonly byAddress = new Map<string, number>();
  private readonly paths: (Path | undefined)[][] = [];
  /** What each host pair sends through (cache): see carrier(). */
  protected carriers: (Carrier | undefined)[][] = [];
  /** Pairs configured with connect() (from · 65536 + to): their private path wins. */
  protected readonly connected = new Set<number>();
  private autoAddresses = 0;
  readonly impairments: boolean;

  constructor(options: SimulatorOptions = {}) {
    super(options.seed ?? 1, {
      maxTimeMs: options.maxTimeMs ?? 3_600_000,
      maxEvents: options.maxEvents ?? 50_000_000,
    });
    if (options.trace) this.trace.records = [];
    if (options.capture) this.trace.captures = [];
    this.impairments = options.impairments ?? true;
  }

  addHost(name: string, options: HostOptions = {}): SimHost {
    return this.register(
      name,
      options.address,
      (index, address, random) => new SimHost(this, index, name, address, random, options),
    );
  }

  /** Adds a host (or a host-like box) made by `make`, with a free address. */
  protected register<T extends SimHost>(
    name: string,
    wanted: string | undefined,
    make: (index: number, address: string, random: SeededRandom) => T,
  ): T {
    this.checkNewName(name);
    const address = wanted ?? this.nextAutoAddress();
    if (this.byAddress.has(address) || address === '127.0.0.1') {
      throw new WhohasError('BAD_ARGUMENT', `address ${address} is already taken`);
    }
    const index = this.hosts.length;
    const host = make(index, address, forkRandom(this.seed, `host/${name}`));
    this.hosts.push(host);
    this.paths.push([]);
    this.carriers.push([]);
    this.byAddress.set(address, index);
    return host;
  }

  /** 10.0.0.1, 10.0.0.2, ... skipping network/broadcast-looking and taken addresses. */
  private nextAutoAddress(): string {
    for (;;) {
      const n = ++this.autoAddresses;
      const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      if ((n & 255) !== 0 && (n & 255) !== 255 && !this.byAddress.has(address)) return address;
    }
  }

  host(name: string): SimHost {
    const host = this.hosts.find((candidate) => candidate.name === name);
    if (host === undefined) throw new WhohasError('BAD_ARGUMENT', `no host named '${name}'`);
    return host;
  }

  /**
   * Configures the private path a→b (and b→a from `reverse`, or the same config), replacing
   * earlier settings; the pair then uses it even where links could route it.
   */
  connect(
    a: HostRef,
    b: HostRef,
    config: ProfileName | PathConfig,
    reverse: ProfileName | PathConfig = config,
  ): void {
    const from = this.resolve(a);
    const to = this.resolve(b);
    for (const [x, y] of [
      [from.index, to.index],
      [to.index, from.index],
    ]) {
      this.connected.add(x * 65536 + y);
      this.carriers[x][y] = undefined;
    }
    this.pathBetween(from.index, to.index).configure(this.effective(resolvePathConfig(config)));
    if (from !== to) {
      this.pathBetween(to.index, from.index).configure(this.effective(resolvePathConfig(reverse)));
    }
  }

  /** The private path a→b (its config and stats). */
  path(a: HostRef, b: HostRef): Path {
    return this.pathBetween(this.resolve(a).index, this.resolve(b).index);
  }

  /** Both directions drop datagrams; stream segments wait for heal(). */
  partition(a: HostRef, b: HostRef): void {
    if (!this.impairments) return;
    for (const path of this.bothWays(a, b)) path.setPartitioned(true);
  }

  heal(a: HostRef, b: HostRef): void {
    for (const path of this.bothWays(a, b)) path.setPartitioned(false);
  }

  /** Both directions keep every packet until release(), which sends them on in order. */
  hold(a: HostRef, b: HostRef): void {
    for (const path of this.bothWays(a, b)) path.hold();
  }

  release(a: HostRef, b: HostRef): void {
    for (const path of this.bothWays(a, b)) path.release();
  }

  pathBetween(from: number, to: number): Path {
    const row = this.paths[from];
    let path = row[to];
    if (path === undefined) {
      const source = this.hosts[from];
      const target = this.hosts[to];
      const config = this.effective(resolvePathConfig(from === to ? 'loopback' : 'lan'));
      const random = forkRandom(this.seed, `path/${source.name}->${target.name}`);
      path = new Path(this, source, target, config, random);
      row[to] = path;
    }
    return path;
  }

  abstract carrier(from: number, to: number): Carrier;

  hostIndexOf(address: string, from: number): number {
    if (address === '127.0.0.1' || address === 'localhost') return from;
    return this.byAddress.get(address) ?? -1;
  }

  /** Every private path made so far (each direction its own), for counters. */
  allPaths(): Path[] {
    return this.paths.flatMap((row) => row.filter((path): path is Path => path !== undefined));
  }

  /** `config` as this simulator applies it: without impairments when they are switched off. */
  protected effective(config: ResolvedPathConfig): ResolvedPathConfig {
    if (this.impairments) return config;
    return {
      ...config,
      loss: 0,
      burstLoss: null,
      ber: 0,
      byteErrorRate: 0,
      dropList: [],
      duplicate: 0,
      corrupt: 0,
      reorder: 0,
      jitter: null,
    };
  }

  protected resolve(ref: HostRef): SimHost {
    return typeof ref === 'string' ? this.host(ref) : ref;
  }

  protected checkNewName(name: string): void {
    if (this.hosts.some((host) => host.name === name)) {
      throw new WhohasError('BAD_ARGUMENT', `a host named '${name}' already exists`);
    }
  }

  private bothWays(a: HostRef, b: HostRef): Path[] {
    const from = this.resolve(a).index;
    const to = this.resolve(b).index;
    return from === to
      ? [this.pathBetween(from, to)]
      : [this.pathBetween(from, to), this.pathBetween(to, from)];
  }
}
