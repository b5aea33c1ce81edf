import { WhohasError } from '../impl/errors.ts';
import type { HostOptions, SimHost } from './host.ts';
import { type NatOptions, SimNat } from './nat.ts';
import { type HostRef, Network } from './network.ts';
import type { Path } from './path.ts';
import { writePcapng } from './pcap.ts';
import { type PathConfig, type ProfileName, resolvePathConfig } from './profiles.ts';
import {
  type Carrier,
  type Router,
  Topology,
  type TopologyNode,
  Unreachable,
  ViaNat,
} from './routing.ts';

export type { SimulatorOptions } from './network.ts';

/** A host, router or NAT, or its name. */
export type NodeRef = TopologyNode | string;
/** A link's configuration (one direction): a profile name or a PathConfig. */
export type LinkSpec = ProfileName | PathConfig;

/**
 * The deterministic network simulator: the run loop and virtual clock (Clockwork, which also
 * documents how async code is driven), hosts with simulated Platforms and private per-pair paths
 * (Network), routers and links (Topology), and NAT boxes. Two simulators share nothing.
 *
 * What carries packets from host A to host B (carrier()): the pair's private path if connect()
 * configured it; nothing (a 'no-route' drop) if B sits behind a NAT that A is not behind; A's
 * NAT if A sits behind one; the route over links if both are linked; else the default private
 * path ('lan', or 'loopback' to itself).
 */
export class Simulator extends Network {
  private readonly topology = new Topology(this);
  private readonly nats: SimNat[] = [];

  /** A host; `behind: nat` puts it on the NAT's private network (192.168.N.x). */
  override addHost(name: string, options: HostOptions = {}): SimHost {
    const nat = options.behind;
    if (nat === undefined) return super.addHost(name, options);
    if (!this.nats.includes(nat))
      throw new WhohasError('BAD_ARGUMENT', 'behind: not a NAT of this simulator');
    const address = options.address ?? nat.nextInsideAddress();
    const host = super.addHost(name, { ...options, address });
    nat.adopt(host);
    return host;
  }

  /** A NAT box with a public address (10.x like every host outside): see nat.ts. */
  addNat(name: string, options: NatOptions = {}): SimNat {
    const number = this.nats.length + 1;
    const nat = this.register(
      name,
      options.address,
      (index, address, random) => new SimNat(this, index, name, address, random, options, number),
    );
    this.nats.push(nat);
    return nat;
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

  carrier(from: number, to: number): Carrier {
    return this.carriers[from][to] ?? this.findCarrier(from, to);
  }

  private findCarrier(from: number, to: number): Carrier {
    const source = this.hosts[from];
    const target = this.hosts[to];
    const inner = source.behind;
    const outer = target.behind;
    let found: Carrier;
    if (from === to || this.connected.has(from * 65536 + to)) found = this.pathBetween(from, to);
    else if (outer !== null && outer !== inner && outer !== source) {
      found = new Unreachable(this, target);
    } else if (inner !== null && inner !== outer) {
      found = new ViaNat(this.pathBetween(from, inner.index), target);
    } else found = this.topology.route(source, target) ?? this.pathBetween(from, to);
    this.carriers[from][to] = found;
    return found;
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

  /** The captured packets as a pcapng file, drops and damage as comments (needs `capture: true`). */
  pcap(comment?: string): Buffer {
    const captures = this.trace.captures;
    if (captures === null) {
      throw new WhohasError('BAD_ARGUMENT', 'pcap() needs new Simulator({ capture: true })');
    }
    return writePcapng(captures, {
      comment: `whohas simulator, seed ${this.seed}${comment ? `: ${comment}` : ''}`,
    });
  }

  private node(ref: NodeRef): TopologyNode {
    if (typeof ref !== 'string') return ref;
    const router = this.topology.router(ref);
    return router ?? this.host(ref);
  }

  protected override checkNewName(name: string): void {
    if (this.hosts.some((host) => host.name === name) || this.topology.router(name)) {
      throw new WhohasError('BAD_ARGUMENT', `a host or router named '${name}' already exists`);
    }
  }
}
