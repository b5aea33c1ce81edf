/**
 * Two peers across NATs for the `nat` family: bob (the owner of `data.bin`) and alice (the
 * requester), each behind a NAT box of its own (`nat-bob`, `nat-alice`) or in public, with NAT
 * traversal on (`nat: { stun: 'server' }`), and a chat server with STUN and the relay on its UDP
 * port (world-nat.ts). Peers are placed on their hosts explicitly, so the swarm does not connect
 * them by a private path that would bypass the NATs; the scenario's link applies to the NATs'
 * paths to the server and to each other (`impairNatPaths`).
 *
 * `watchSends` records when a host's UDP sockets sent what (transfer datagrams apart from hole
 * punching probes and STUN), so a scenario can see data flow and measure how long it stopped.
 */
import type { WorldHost } from '../harness/backend.ts';
import type { RelayLimits } from '../impl/nat/relay.ts';
import { looksLikeStun } from '../impl/nat/stun.ts';
import type { DatagramSocket, Platform } from '../impl/platform/types.ts';
import type { NatOptions, NatType } from '../sim/nat.ts';
import type { LinkProfile } from './format.ts';
import { type PeerSpec, Swarm } from './swarm.ts';
import type { ScenarioWorld } from './world.ts';
import { behindNat, type ServedNat, startNatServer } from './world-nat.ts';

export type Site = NatType | 'none';

/** NAT traversal with the chat server as STUN server and relay (PeerOptions.nat). */
export const NAT_ON = { stun: 'server' } as const;

/**
 * RFC 5382 REQ-5's floor for an established TCP connection's mapping (2 h 4 min): the chat
 * connection through a NAT keeps its mapping however short the UDP timeout a scenario sets.
 */
export const TCP_MAPPING_TIMEOUT_MS = 7_440_000;

export interface NatPairSpec {
  alice: Site;
  bob: Site;
  /** More NAT options for both boxes (timeouts, port preservation). */
  nat?: NatOptions;
  bytes: number;
  /** The server's relay limits, or false for none. */
  relay?: Partial<RelayLimits> | false;
  /** More options for each peer (a fault over its platform: disk-faults.ts, watchSends...). */
  aliceOptions?: PeerSpec['options'];
  bobOptions?: PeerSpec['options'];
  /** Another owner and requester, added first (so they are the swarm's liveness pair). */
  others?: { owner: string; requester: string; site: Site; bytes: number };
}

export interface NatPair {
  swarm: Swarm;
  served: ServedNat;
}

/** Places `name` at `site`: behind its own NAT box `nat-<name>`, or in public. */
export function place(
  world: ScenarioWorld,
  name: string,
  site: Site,
  options: NatOptions = {},
): WorldHost {
  if (site === 'none') return world.host(name);
  return behindNat(world, name, `nat-${name}`, {
    tcpMappingTimeoutMs: TCP_MAPPING_TIMEOUT_MS,
    ...options,
    type: site,
  });
}

/** The server, bob (owner of `data.bin`, `bytes` seeded bytes) and alice, both NAT-traversing. */
export async function natPair(world: ScenarioWorld, spec: NatPairSpec): Promise<NatPair> {
  const { others } = spec;
  const specs: PeerSpec[] = [];
  if (others) {
    place(world, others.owner, others.site, spec.nat);
    place(world, others.requester, others.site, spec.nat);
    const files = { 'small.bin': world.bytes(others.bytes) };
    specs.push({ name: others.owner, host: others.owner, files, options: { nat: NAT_ON } });
    specs.push({ name: others.requester, host: others.requester, options: { nat: NAT_ON } });
  }
  place(world, 'bob', spec.bob, spec.nat);
  place(world, 'alice', spec.alice, spec.nat);
  const served = await startNatServer(world, { relay: spec.relay });
  const swarm = new Swarm(world);
  specs.push({
    name: 'bob',
    host: 'bob',
    files: { 'data.bin': world.bytes(spec.bytes) },
    options: { nat: NAT_ON, ...spec.bobOptions },
  });
  specs.push({ name: 'alice', host: 'alice', options: { nat: NAT_ON, ...spec.aliceOptions } });
  await swarm.addAll(specs);
  return { swarm, served };
}

/** The scenario's link on the paths NATed traffic crosses: each NAT to the server and between NATs. */
export function impairNatPaths(world: ScenarioWorld, link: LinkProfile = world.link): void {
  const edges = [...world.natBoxes.keys()];
  for (const nat of edges) world.impair(nat, 'server', link);
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) world.impair(edges[i], edges[j], link);
  }
}

/**
 * One datagram a watched host sent: when, from which local port, and what: a hole-punching
 * probe, a STUN request, or `data` (a transfer datagram, or a relay frame carrying one).
 */
export interface Sent {
  at: number;
  port: number;
  kind: 'probe' | 'stun' | 'data';
}

/** Hole-punching probes start 0xF0 'W' 'H' 'P' (impl/nat/punch.ts). */
const PROBE_MAGIC = [0xf0, 0x57, 0x48, 0x50];

function kindOf(bytes: Uint8Array): Sent['kind'] {
  if (PROBE_MAGIC.every((b, i) => bytes[i] === b)) return 'probe';
  return looksLikeStun(bytes) ? 'stun' : 'data';
}

/** The platform, recording into `log` every datagram its UDP sockets send. */
export function watchSends(platform: Platform, log: Sent[]): Platform {
  const createSocket = (type?: 'udp4' | 'udp6'): DatagramSocket => {
    const socket = platform.dgram.createSocket(type);
    const send = socket.send.bind(socket);
    socket.send = ((bytes: Uint8Array, ...rest: unknown[]) => {
      let port = 0;
      try {
        port = socket.address().port;
      } catch {}
      log.push({ at: platform.clock.now(), port, kind: kindOf(bytes) });
      return (send as (...args: unknown[]) => void)(bytes, ...rest);
    }) as DatagramSocket['send'];
    return socket;
  };
  return { ...platform, dgram: { ...platform.dgram, createSocket } };
}

/** The longest silence between `from` and `to` among the sends `keep` selects (ms). */
export function longestQuiet(
  log: readonly Sent[],
  keep: (sent: Sent) => boolean,
  from: number,
  to: number,
): number {
  let last = from;
  let longest = 0;
  for (const sent of log) {
    if (sent.at < from || sent.at > to || !keep(sent)) continue;
    longest = Math.max(longest, sent.at - last);
    last = sent.at;
  }
  return Math.max(longest, to - last);
}
