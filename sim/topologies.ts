import { WhohasError } from '../impl/errors.ts';
import type { SimHost } from './host.ts';
import type { Path } from './path.ts';
import type { Router } from './routing.ts';
import type { LinkSpec, Simulator } from './simulator.ts';

/**
 * Ready-made shapes over Simulator.addRouter and link. Names are fixed (with an optional prefix,
 * so several shapes can share a simulator): hosts get addresses in order of creation.
 */

export interface DumbbellOptions {
  /** K: senders and as many receivers. */
  pairs: number;
  /** The one link between the two routers (both directions). */
  bottleneck: LinkSpec;
  /** Each host's link to its router. */
  access: LinkSpec;
  /** Prepended to every name (default ''). */
  prefix?: string;
}

export interface Dumbbell {
  /** sender-1..K behind `left`, receiver-1..K behind `right`; sender i talks to receiver i. */
  senders: SimHost[];
  receivers: SimHost[];
  left: Router;
  right: Router;
  /** The bottleneck direction left→right (senders' data), and right→left (their ACKs). */
  bottleneck: Path;
  bottleneckReverse: Path;
}

/** K senders and K receivers across one bottleneck between two routers. */
export function dumbbell(sim: Simulator, options: DumbbellOptions): Dumbbell {
  const prefix = options.prefix ?? '';
  count('pairs', options.pairs);
  const left = sim.addRouter(`${prefix}left`);
  const right = sim.addRouter(`${prefix}right`);
  sim.link(left, right, options.bottleneck);
  const senders: SimHost[] = [];
  const receivers: SimHost[] = [];
  for (let i = 1; i <= options.pairs; i++) {
    const sender = sim.addHost(`${prefix}sender-${i}`);
    sim.link(sender, left, options.access);
    senders.push(sender);
  }
  for (let i = 1; i <= options.pairs; i++) {
    const receiver = sim.addHost(`${prefix}receiver-${i}`);
    sim.link(receiver, right, options.access);
    receivers.push(receiver);
  }
  return {
    senders,
    receivers,
    left,
    right,
    bottleneck: sim.linkBetween(left, right),
    bottleneckReverse: sim.linkBetween(right, left),
  };
}

export interface StarOptions {
  hosts: number;
  /** Each host's link to the switch. */
  link: LinkSpec;
  prefix?: string;
}

/** host-1..N behind one switch, as a LAN: every pair crosses two links. */
export function star(sim: Simulator, options: StarOptions): { hub: Router; hosts: SimHost[] } {
  const prefix = options.prefix ?? '';
  count('hosts', options.hosts);
  const hub = sim.addRouter(`${prefix}switch`);
  const hosts: SimHost[] = [];
  for (let i = 1; i <= options.hosts; i++) {
    const host = sim.addHost(`${prefix}host-${i}`);
    sim.link(host, hub, options.link);
    hosts.push(host);
  }
  return { hub, hosts };
}

export interface ChainOptions {
  /** Links between the two end hosts (H links, H − 1 routers). */
  hops: number;
  link: LinkSpec;
  prefix?: string;
}

export interface Chain {
  first: SimHost;
  last: SimHost;
  routers: Router[];
  /** The links first→last, in order (forward directions). */
  links: Path[];
}

/** first — router-1 — ... — router-(H−1) — last: H links in a row. */
export function chain(sim: Simulator, options: ChainOptions): Chain {
  const prefix = options.prefix ?? '';
  count('hops', options.hops);
  const first = sim.addHost(`${prefix}first`);
  const routers: Router[] = [];
  for (let i = 1; i < options.hops; i++) routers.push(sim.addRouter(`${prefix}router-${i}`));
  const last = sim.addHost(`${prefix}last`);
  const nodes = [first, ...routers, last];
  const links: Path[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    sim.link(nodes[i], nodes[i + 1], options.link);
    links.push(sim.linkBetween(nodes[i], nodes[i + 1]));
  }
  return { first, last, routers, links };
}

function count(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= 10_000)) {
    throw new WhohasError('BAD_ARGUMENT', `${name} must be a whole number in [1, 10000]`);
  }
}
