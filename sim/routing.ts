import { WhohasError } from '../impl/errors.ts';
import type { SimCore } from './core.ts';
import type { Packet, PacketSink } from './packet.ts';
import { Path } from './path.ts';
import type { ResolvedPathConfig } from './profiles.ts';
import { forkRandom } from './random.ts';

/**
 * Routers, links and routes. A link joins two nodes (hosts or routers) with one Path per
 * direction, each with its own rate, delay, loss, queue and framing. A datagram from host A to
 * host B crosses the links of the route A→B: the shortest path by hop count through routers
 * (hosts never forward), ties broken by node name, computed once per pair and cached (a new link
 * clears the cache). The packet carries its route; each router hands it to the next link.
 */

/** What a socket sends through: a private path (connect) or a route over links. */
export interface Carrier {
  /** The destination host. */
  readonly to: PacketSink;
  readonly config: { readonly mtu: number };
  send(packet: Packet): void;
}

/** A node of the topology: a host or a router. */
export interface TopologyNode extends PacketSink {
  readonly name: string;
  /** Routers forward packets in transit; hosts do not. */
  readonly forwards: boolean;
}

/** Routed packets carry their route and the index of the link they are on. */
interface Routed {
  route?: readonly Path[];
  hop?: number;
}

/** Hands a routed packet to the next link of its route. */
export function forward(packet: Packet): void {
  const routed = packet as Packet & Routed;
  const route = routed.route as readonly Path[];
  const hop = (routed.hop as number) + 1;
  routed.hop = hop;
  route[hop].send(packet);
}

/** A router: forwards, has no Platform, no sockets, no address of its own. */
export class Router implements TopologyNode {
  readonly forwards = true;
  readonly address = '';

  constructor(
    readonly index: number,
    readonly name: string,
  ) {}

  receive(packet: Packet): void {
    forward(packet);
  }
}

/** The links of a route as one carrier: the MTU is the smallest on the way. */
export class Route implements Carrier {
  readonly config: { readonly mtu: number };

  constructor(
    readonly links: readonly Path[],
    readonly to: PacketSink,
  ) {
    this.config = { mtu: Math.min(...links.map((link) => link.config.mtu)) };
  }

  send(packet: Packet): void {
    const routed = packet as Packet & Routed;
    routed.route = this.links;
    routed.hop = 0;
    this.links[0].send(packet);
  }
}

/** From inside a NAT: the inside path to the NAT, which translates and sends on. */
export class ViaNat implements Carrier {
  constructor(
    private readonly inside: Path,
    readonly to: PacketSink,
  ) {}

  get config(): { readonly mtu: number } {
    return this.inside.config;
  }

  send(packet: Packet): void {
    this.inside.send(packet);
  }
}

/** To a private address from outside its NAT: every packet is dropped ('no-route'). */
export class Unreachable implements Carrier {
  readonly config = { mtu: 65535 };

  constructor(
    private readonly core: SimCore,
    readonly to: PacketSink,
  ) {}

  send(packet: Packet): void {
    this.core.trace.record(this.core.now, 'dropped', packet, 'no-route');
  }
}

export class Topology {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly adjacency = new Map<TopologyNode, Map<TopologyNode, Path>>();
  private readonly sortedNeighbours = new Map<TopologyNode, TopologyNode[]>();
  private readonly routes = new Map<TopologyNode, Map<TopologyNode, Route | null>>();
  private nextRouterIndex = 0;

  constructor(private readonly core: SimCore) {}

  /** A router; names share one space with hosts (the simulator checks). */
  addRouter(name: string): Router {
    const router = new Router(-1 - this.nextRouterIndex++, name);
    this.nodes.set(name, router);
    return router;
  }

  router(name: string): Router | undefined {
    const node = this.nodes.get(name);
    return node instanceof Router ? node : undefined;
  }

  /** Links x and y (each direction its config); linking them again reconfigures the link. */
  link(x: TopologyNode, y: TopologyNode, forward: ResolvedPathConfig, reverse: ResolvedPathConfig) {
    if (x === y) throw new WhohasError('BAD_ARGUMENT', `cannot link '${x.name}' to itself`);
    this.nodes.set(x.name, x);
    this.nodes.set(y.name, y);
    const there = this.direction(x, y, forward);
    const back = this.direction(y, x, reverse);
    this.routes.clear();
    this.sortedNeighbours.clear();
    return { there, back };
  }

  /** The link direction x→y, if linked. */
  linkBetween(x: TopologyNode, y: TopologyNode): Path | undefined {
    return this.adjacency.get(x)?.get(y);
  }

  /** Every link direction, in order of creation. */
  allLinks(): Path[] {
    return [...this.adjacency.values()].flatMap((row) => [...row.values()]);
  }

  /** Whether the node has at least one link. */
  attached(node: TopologyNode): boolean {
    return this.adjacency.has(node);
  }

  /** The route a→b over links, or null when there is none (cached until the next link). */
  route(a: TopologyNode, b: TopologyNode): Route | null {
    let row = this.routes.get(a);
    if (row === undefined) {
      row = new Map();
      this.routes.set(a, row);
    }
    let route = row.get(b);
    if (route === undefined) {
      const links = this.shortest(a, b);
      route = links === null ? null : new Route(links, b);
      row.set(b, route);
    }
    return route;
  }

  /** Breadth-first from a, neighbours in name order: fewest hops, ties broken by name. */
  private shortest(a: TopologyNode, b: TopologyNode): Path[] | null {
    if (a === b || !this.attached(a) || !this.attached(b)) return null;
    const previous = new Map<TopologyNode, TopologyNode>([[a, a]]);
    let frontier = [a];
    while (frontier.length > 0 && !previous.has(b)) {
      const next: TopologyNode[] = [];
      for (const node of frontier) {
        if (node !== a && !node.forwards) continue;
        for (const neighbour of this.neighbours(node)) {
          if (previous.has(neighbour)) continue;
          previous.set(neighbour, node);
          next.push(neighbour);
        }
      }
      frontier = next;
    }
    if (!previous.has(b)) return null;
    const links: Path[] = [];
    for (let node = b; node !== a; ) {
      const from = previous.get(node) as TopologyNode;
      links.push(this.linkBetween(from, node) as Path);
      node = from;
    }
    return links.reverse();
  }

  private neighbours(node: TopologyNode): TopologyNode[] {
    let sorted = this.sortedNeighbours.get(node);
    if (sorted === undefined) {
      sorted = [...(this.adjacency.get(node)?.keys() ?? [])].sort((p, q) =>
        p.name < q.name ? -1 : p.name > q.name ? 1 : 0,
      );
      this.sortedNeighbours.set(node, sorted);
    }
    return sorted;
  }

  private direction(from: TopologyNode, to: TopologyNode, config: ResolvedPathConfig): Path {
    let row = this.adjacency.get(from);
    if (row === undefined) {
      row = new Map();
      this.adjacency.set(from, row);
    }
    let path = row.get(to);
    if (path === undefined) {
      const label = `link/${from.name}->${to.name}`;
      path = new Path(this.core, from, to, config, forkRandom(this.core.seed, label), label);
      row.set(to, path);
    } else {
      path.configure(config);
    }
    return path;
  }
}
