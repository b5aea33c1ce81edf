import { WhohasError } from '../impl/errors.ts';
import type { SimCore } from './core.ts';
import { type HostOptions, SimHost } from './host.ts';
import { type Packet, UDP } from './packet.ts';
import type { SeededRandom } from './random.ts';

/**
 * A NAT box (RFC 4787 terms). Hosts added with `behind: nat` live on its private network
 * (192.168.N.x) and reach everything else through it; the NAT has a public address like any host
 * outside and reaches the rest like a host does (default paths, connect, or links). The inside
 * path host↔NAT is the pair's private path (sim.connect(host, nat, spec) configures it).
 *
 * Outbound, a datagram or segment gets a mapping (inner address:port → public port), made per
 * the mapping behaviour: endpoint-independent (one per inner endpoint), address-dependent (one
 * per inner endpoint and remote address) or address-and-port-dependent (per remote endpoint).
 * Inbound to the public address, a packet passes when a live mapping has its port and the
 * filtering behaviour admits its source: endpoint-independent (anyone), address-dependent (an
 * address the mapping has sent to), address-and-port-dependent (an address and port it has sent
 * to). Everything else is dropped ('nat-filtered'). A mapping expires mappingTimeoutMs after its
 * last outbound packet (RFC 4787 REQ-6: outbound refresh); TCP and UDP share the rule.
 * Hairpinning (inside to the NAT's own public address) translates both ends, if enabled.
 */

export type NatBehaviour =
  | 'endpoint-independent'
  | 'address-dependent'
  | 'address-and-port-dependent';
export type NatType = 'full-cone' | 'address-restricted' | 'port-restricted' | 'symmetric';

export interface NatOptions {
  /** Shorthand for mapping and filtering behaviour; default port-restricted. */
  type?: NatType;
  mapping?: NatBehaviour;
  filtering?: NatBehaviour;
  /** Idle time after which a mapping is gone (default 120,000 ms). */
  mappingTimeoutMs?: number;
  /**
   * The same for TCP mappings, when it differs (default: mappingTimeoutMs). RFC 5382 REQ-5 asks
   * at least 2 h 4 min for established connections: a world with a short UDP timeout sets this,
   * else its chat connections lose their mappings (and the simulated stream, which does not
   * retransmit, its segments) whenever the chat is quiet for that long.
   */
  tcpMappingTimeoutMs?: number;
  /** A new mapping keeps the inner port when it is free (default true). */
  portPreservation?: boolean;
  /** Inside hosts reach each other through the public address (default false). */
  hairpinning?: boolean;
  /** The public address (default the next automatic one). */
  address?: string;
}

const TYPES: Record<NatType, [NatBehaviour, NatBehaviour]> = {
  'full-cone': ['endpoint-independent', 'endpoint-independent'],
  'address-restricted': ['endpoint-independent', 'address-dependent'],
  'port-restricted': ['endpoint-independent', 'address-and-port-dependent'],
  symmetric: ['address-and-port-dependent', 'address-and-port-dependent'],
};
const BEHAVIOURS = new Set<string>(Object.values(TYPES).flat());

export class NatStats {
  mappingsCreated = 0;
  mappingsExpired = 0;
  /** Inbound packets (and refused hairpins) dropped as 'nat-filtered'. */
  filteredInbound = 0;
  hairpinned = 0;
  /** Packets rewritten, either way. */
  translated = 0;
}

export interface NatMapping {
  proto: 'udp' | 'tcp';
  /** The inside endpoint, address:port. */
  inner: string;
  publicPort: number;
}

interface Mapping {
  key: string;
  proto: number;
  host: SimHost;
  address: string;
  port: number;
  publicPort: number;
  lastUsed: number;
  /** Remote addresses, and address:port endpoints, this mapping has sent to. */
  addresses: Set<string>;
  endpoints: Set<string>;
}

const FIRST_PORT = 1024;

export class SimNat extends SimHost {
  readonly stats = new NatStats();
  readonly mapping: NatBehaviour;
  readonly filtering: NatBehaviour;
  readonly mappingTimeoutMs: number;
  readonly tcpMappingTimeoutMs: number;
  readonly portPreservation: boolean;
  readonly hairpinning: boolean;
  readonly inside = new Set<SimHost>();
  private readonly byKey = new Map<string, Mapping>();
  private readonly byPort = new Map<number, Mapping>();
  private nextPublicPort = FIRST_PORT;
  private insideHosts = 1;

  constructor(
    core: SimCore,
    index: number,
    name: string,
    address: string,
    random: SeededRandom,
    options: NatOptions,
    /** N in the private network 192.168.N.0/24. */
    private readonly number: number,
  ) {
    super(core, index, name, address, random, {} satisfies HostOptions);
    const [mapping, filtering] = TYPES[options.type ?? 'port-restricted'] ?? [];
    if (mapping === undefined) bad(`unknown NAT type '${options.type}'`);
    this.mapping = options.mapping ?? mapping;
    this.filtering = options.filtering ?? filtering;
    for (const behaviour of [this.mapping, this.filtering]) {
      if (!BEHAVIOURS.has(behaviour)) bad(`unknown NAT behaviour '${behaviour}'`);
    }
    this.mappingTimeoutMs = options.mappingTimeoutMs ?? 120_000;
    if (!(this.mappingTimeoutMs > 0)) bad('mappingTimeoutMs must be > 0');
    this.tcpMappingTimeoutMs = options.tcpMappingTimeoutMs ?? this.mappingTimeoutMs;
    if (!(this.tcpMappingTimeoutMs > 0)) bad('tcpMappingTimeoutMs must be > 0');
    this.portPreservation = options.portPreservation ?? true;
    this.hairpinning = options.hairpinning ?? false;
  }

  get publicAddress(): string {
    return this.address;
  }

  /** 192.168.N.2, .3, ... for the next host behind this NAT. */
  nextInsideAddress(): string {
    if (this.insideHosts >= 254) bad(`NAT '${this.name}' has no private address left`);
    return `192.168.${this.number}.${++this.insideHosts}`;
  }

  adopt(host: SimHost): void {
    this.inside.add(host);
  }

  /** The live mappings, oldest first. */
  mappings(): NatMapping[] {
    const now = this.core.now;
    for (const mapping of [...this.byKey.values()]) this.expire(mapping, now);
    return [...this.byKey.values()].map((m) => ({
      proto: m.proto === UDP ? 'udp' : 'tcp',
      inner: `${m.address}:${m.port}`,
      publicPort: m.publicPort,
    }));
  }

  /** A reboot (also after crash(), which drops everything until then): every mapping is lost. */
  override restart(): void {
    super.restart();
    this.byKey.clear();
    this.byPort.clear();
    this.nextPublicPort = FIRST_PORT;
  }

  override receive(packet: Packet): void {
    if (this.crashed) {
      this.core.trace.record(this.core.now, 'dropped', packet, 'host-down');
      return;
    }
    if (this.inside.has(packet.from as SimHost)) this.outbound(packet);
    else this.inbound(packet);
  }

  private outbound(packet: Packet): void {
    const hairpin = packet.to === this;
    if (hairpin && !this.hairpinning) {
      this.filter(packet);
      return;
    }
    const out = this.mapFor(packet);
    if (hairpin) {
      const target = this.live(packet.proto, packet.dstPort);
      if (target === null || !this.admits(target, this.address, out.publicPort)) {
        this.filter(packet);
        return;
      }
      this.stats.hairpinned++;
      this.forward({
        ...packet,
        from: this,
        to: target.host,
        srcAddress: this.address,
        srcPort: out.publicPort,
        dstAddress: target.address,
        dstPort: target.port,
      });
      return;
    }
    this.forward({ ...packet, from: this, srcAddress: this.address, srcPort: out.publicPort });
  }

  private inbound(packet: Packet): void {
    const mapping = this.live(packet.proto, packet.dstPort);
    if (mapping === null || !this.admits(mapping, packet.srcAddress, packet.srcPort)) {
      this.filter(packet);
      return;
    }
    this.forward({
      ...packet,
      to: mapping.host,
      dstAddress: mapping.address,
      dstPort: mapping.port,
    });
  }

  private forward(packet: Packet): void {
    this.stats.translated++;
    this.core.carrier(this.index, packet.to.index).send(packet);
  }

  private filter(packet: Packet): void {
    this.stats.filteredInbound++;
    this.core.trace.record(this.core.now, 'dropped', packet, 'nat-filtered');
  }

  /** The mapping for an outbound packet (found or made), refreshed, its remote noted. */
  private mapFor(packet: Packet): Mapping {
    const now = this.core.now;
    const remote = packet.dstAddress;
    const endpoint = `${remote}:${packet.dstPort}`;
    let key = `${packet.proto}|${packet.srcAddress}:${packet.srcPort}`;
    if (this.mapping === 'address-dependent') key += `|${remote}`;
    else if (this.mapping === 'address-and-port-dependent') key += `|${endpoint}`;
    let mapping = this.byKey.get(key);
    if (mapping !== undefined && this.expire(mapping, now)) mapping = undefined;
    if (mapping === undefined) {
      const publicPort = this.freePort(packet.proto, packet.srcPort);
      mapping = {
        key,
        proto: packet.proto,
        host: packet.from as SimHost,
        address: packet.srcAddress,
        port: packet.srcPort,
        publicPort,
        lastUsed: now,
        addresses: new Set(),
        endpoints: new Set(),
      };
      this.byKey.set(key, mapping);
      this.byPort.set(packet.proto * 65536 + publicPort, mapping);
      this.stats.mappingsCreated++;
    }
    mapping.lastUsed = now;
    mapping.addresses.add(remote);
    mapping.endpoints.add(endpoint);
    return mapping;
  }

  private live(proto: number, publicPort: number): Mapping | null {
    const mapping = this.byPort.get(proto * 65536 + publicPort);
    if (mapping === undefined || this.expire(mapping, this.core.now)) return null;
    return mapping;
  }

  private admits(mapping: Mapping, address: string, port: number): boolean {
    if (this.filtering === 'endpoint-independent') return true;
    if (this.filtering === 'address-dependent') return mapping.addresses.has(address);
    return mapping.endpoints.has(`${address}:${port}`);
  }

  /** Removes the mapping if it has expired by `now`; true if it had. */
  private expire(mapping: Mapping, now: number): boolean {
    const timeoutMs = mapping.proto === UDP ? this.mappingTimeoutMs : this.tcpMappingTimeoutMs;
    if (now - mapping.lastUsed < timeoutMs) return false;
    this.byKey.delete(mapping.key);
    this.byPort.delete(mapping.proto * 65536 + mapping.publicPort);
    this.stats.mappingsExpired++;
    return true;
  }

  /** The inner port if preserved and free, else the next free one (counting up, wrapping). */
  private freePort(proto: number, inner: number): number {
    const taken = (port: number) => {
      const mapping = this.byPort.get(proto * 65536 + port);
      return mapping !== undefined && !this.expire(mapping, this.core.now);
    };
    if (this.portPreservation && !taken(inner)) return inner;
    for (let tries = 0; tries < 65536 - FIRST_PORT; tries++) {
      const port = this.nextPublicPort;
      this.nextPublicPort = port === 65535 ? FIRST_PORT : port + 1;
      if (!taken(port)) return port;
    }
    throw new WhohasError('BAD_ARGUMENT', `NAT '${this.name}' has no public port left`);
  }
}

function bad(message: string): never {
  throw new WhohasError('BAD_ARGUMENT', message);
}
