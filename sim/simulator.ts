import { WhohasError } from '../impl/errors.ts';
import { Clockwork } from './clockwork.ts';
import type { SimCore } from './core.ts';
import { type HostOptions, SimHost } from './host.ts';
import { Path } from './path.ts';
import { writePcap } from './pcap.ts';
import {
  type PathConfig,
  type ProfileName,
  type ResolvedPathConfig,
  resolvePathConfig,
} from './profiles.ts';
import { forkRandom } from './random.ts';
import { type Carrier, type Router, Topology, type TopologyNode } from './routing.ts';
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
   * false: every path ignores loss, burst loss, duplication, corruption, reordering and jitter,
   * and partition() does nothing; bandwidth, delay, queues, MTU, holds and crashes still apply.
   * For premise checks: a fault scenario must fail when its fault cannot happen. Default true.
   */
  impairments?: boolean;
}

type HostRef = SimHost | string;
/** A host or a router, or its name. */
export type NodeRef = TopologyNode | string;
/** A link's configuration (one direction): a profile name or a PathConfig. */
export type LinkSpec = ProfileName | PathConfig;

/**
 * The deterministic network simulator: the run loop and virtual clock (Clockwork, which also
 * documents how async code is driven), hosts with simulated Platforms, and per-direction paths
 * with impairments, partitions and holds. Two simulators share nothing.
 */
export class Simulator extends Clockwork implements SimCore {
  readonly trace = new Trace();
  readonly hosts: SimHost[] = [];
  private readonly byAddress = new Map<string, number>();
  private readonly paths: (Path | undefined)[][] = [];
  /** What each host pair sends through (cache): see carrier(). */
  private carriers: (Carrier | undefined)[][] = [];
  /** Pairs configured with connect(): their private path wins over any route. */
  private readonly connected = new Set<number>();
  private readonly topology = new Topology(this);
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
    this.checkNewName(name);
    const address = options.address ?? this.nextAutoAddress();
    if (this.byAddress.has(address) || address === '127.0.0.1') {
      throw new WhohasError('BAD_ARGUMENT', `address ${address} is already taken`);
    }
    const index = this.hosts.length;
    const host = new SimHost(
      this,
      index,
      name,
      address,
      forkRandom(this.seed, `host/${name}`),
      options,
    );
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

  /** A router: forwards packets between its links, has no Platform. */
  addRouter(name: string): Router {
    this.checkNewName(name);
    return this.topology.addRouter(name);
  }

  /**
   * Links two nodes (hosts or routers), both directions with `spec` (or b→a with `reverse`).
   * Linking them again reconfigures the link; routes are computed anew on next use.
   */
  link(a: NodeRef, b: NodeRef, spec: LinkSpec, reverse: LinkSpec = spec): void {
    const x = this.node(a);
    const y = this.node(b);
    const there = this.effective(resolvePathConfig(spec));
    const back = this.effective(resolvePathConfig(reverse));
    this.topology.link(x, y, there, back);
    this.carriers = this.carriers.map(() => []);
  }

  /** The link direction a→b (its config and stats). */
  linkBetween(a: NodeRef, b: NodeRef): Path {
    const x = this.node(a);
    const y = this.node(b);
    const link = this.topology.linkBetween(x, y);
    if (link === undefined) {
      throw new WhohasError('BAD_ARGUMENT', `no link between '${x.name}' and '${y.name}'`);
    }
    return link;
  }

  /** The links a datagram from host a to host b crosses, in order ([] when none route it). */
  route(a: HostRef, b: HostRef): Path[] {
    return [...(this.topology.route(this.resolve(a), this.resolve(b))?.links ?? [])];
  }

  /** Every link direction made with link(). */
  allLinks(): Path[] {
    return this.topology.allLinks();
  }

  /** Configures a→b (and b→a from `reverse`, or the same config). Replaces earlier settings. */
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

  /** The path a→b (its config and stats). */
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

  carrier(from: number, to: number): Carrier {
    return this.carriers[from][to] ?? this.findCarrier(from, to);
  }

  private findCarrier(from: number, to: number): Carrier {
    let carrier: Carrier | null = null;
    if (from !== to && !this.connected.has(from * 65536 + to)) {
      carrier = this.topology.route(this.hosts[from], this.hosts[to]);
    }
    const found = carrier ?? this.pathBetween(from, to);
    this.carriers[from][to] = found;
    return found;
  }

  hostIndexOf(address: string, from: number): number {
    if (address === '127.0.0.1' || address === 'localhost') return from;
    return this.byAddress.get(address) ?? -1;
  }

  /** The trace hash: equal for runs with equal seed and configuration. */
  traceHash(): string {
    return this.trace.hash();
  }

  /** One line for logs and reports: seed, virtual time, events, packet counts, trace hash. */
  summary(): string {
    const counters = this.trace.counters;
    return (
      `seed ${this.seed}: ${this.now.toFixed(3)} ms virtual, ${this.eventCount} events, ` +
      `${counters.sent} packets sent, ${counters.delivered} delivered, ${counters.dropped} dropped, ` +
      `trace hash ${this.traceHash()}`
    );
  }

  /** The captured packets as a pcap file (needs `capture: true`). */
  pcap(): Buffer {
    const captures = this.trace.captures;
    if (captures === null) {
      throw new WhohasError('BAD_ARGUMENT', 'pcap() needs new Simulator({ capture: true })');
    }
    return writePcap(captures);
  }

  /** Every path made so far (each direction its own), for counters. */
  allPaths(): Path[] {
    return this.paths.flatMap((row) => row.filter((path): path is Path => path !== undefined));
  }

  /** `config` as this simulator applies it: without impairments when they are switched off. */
  private effective(config: ResolvedPathConfig): ResolvedPathConfig {
    if (this.impairments) return config;
    return {
      ...config,
      loss: 0,
      burstLoss: null,
      duplicate: 0,
      corrupt: 0,
      reorder: 0,
      jitter: null,
    };
  }

  private resolve(ref: HostRef): SimHost {
    return typeof ref === 'string' ? this.host(ref) : ref;
  }

  private node(ref: NodeRef): TopologyNode {
    if (typeof ref !== 'string') return ref;
    const router = this.topology.router(ref);
    return router ?? this.host(ref);
  }

  private checkNewName(name: string): void {
    if (this.hosts.some((host) => host.name === name) || this.topology.router(name)) {
      throw new WhohasError('BAD_ARGUMENT', `a host or router named '${name}' already exists`);
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
