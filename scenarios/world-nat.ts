/**
 * NATs in a scenario world (the simulator only): hosts placed behind NAT boxes of sim/nat.ts,
 * a chat server with its NAT service beside it (STUN and the relay on the UDP port of the TCP
 * port's number, as `whohas server` runs it), and the counters NAT scenarios prove their faults
 * with:
 * - `nat.mappingsCreated`, `nat.mappingsExpired`, `nat.filteredInbound`, `nat.restarts`: summed
 *   over the world's NAT boxes (sim/nat.ts NatStats; restarts are the scenario's own);
 * - what a scenario measured itself (`world.natNotes`), e.g. `nat.quietMs`: the longest time
 *   a transfer sent nothing;
 * - `relay.granted`, `relay.bytesRelayed`, `relay.refused`, `relay.overLimit`, `relay.overQuota`:
 *   summed over the
 *   servers' relays (impl/nat/relay.ts RelayStats);
 * - `stun.answered`: Binding requests the servers answered.
 * A world without NATs or NAT services reports none of these, so other families' reports stay
 * as they were.
 */
import type { WorldHost } from '../harness/backend.ts';
import type { ServerHandle } from '../harness/world.ts';
import { WhohasError } from '../impl/errors.ts';
import type { RelayLimits } from '../impl/nat/relay.ts';
import { NatGranter, type NatService, startNatService } from '../impl/nat/service.ts';
import type { NatOptions, SimNat } from '../sim/nat.ts';
import type { ServerOptions } from './records.ts';
import type { ScenarioWorld } from './world.ts';

/** The NAT service beside one chat server (impl/nat/service.ts), with its server. */
export interface ServedNat {
  readonly server: ServerHandle;
  readonly service: NatService;
}

export interface NatServerOptions {
  /** The relay's limits, or false for none (the server refuses relays: RELAY_REFUSED). */
  relay?: Partial<RelayLimits> | false;
}

/** The NAT box `name` (made by `behindNat`). */
export function natBox(world: ScenarioWorld, name: string): SimNat {
  const nat = world.natBoxes.get(name);
  if (nat === undefined) throw new WhohasError('BAD_ARGUMENT', `no NAT named ${name}`);
  return nat;
}

/**
 * Puts host `hostName` behind the NAT box `natName`, made with `options` when it is new. Call it
 * before anything else uses the host (a host is made in public on first use).
 */
export function behindNat(
  world: ScenarioWorld,
  hostName: string,
  natName: string,
  options: NatOptions = {},
): WorldHost {
  if (world.kind !== 'sim') throw new WhohasError('BAD_ARGUMENT', 'NATs need the simulator');
  if (world.hosts.has(hostName)) {
    throw new WhohasError('BAD_ARGUMENT', `${hostName} already exists in public`);
  }
  if (!world.natBoxes.has(natName)) {
    world.hosts.set(natName, world.backend.addHost(natName, { nat: options }));
    world.natBoxes.set(natName, world.simHost(natName) as SimNat);
  }
  const host = world.backend.addHost(hostName, { behind: natName });
  world.hosts.set(hostName, host);
  return host;
}

/** A chat server with STUN and (unless `relay: false`) the relay on its UDP port. */
export async function startNatServer(
  world: ScenarioWorld,
  options: Omit<ServerOptions, 'granter'> & NatServerOptions = {},
): Promise<ServedNat> {
  const { relay = {}, ...serverOptions } = options;
  // The server takes its granter before its port is known; the service comes once it is bound.
  const granter = new NatGranter();
  const server = await world.startServer({ ...serverOptions, granter });
  const at = { address: server.host.address, port: server.port };
  granter.service = await world.until(startNatService(server.host.platform, at, { relay }));
  const served: ServedNat = { server, service: granter.service };
  world.natServices.push(served);
  world.disposers.push(() => world.settle(served.service.close()));
  return served;
}

/** The NAT counters (module comment) of a world with NATs or NAT services; else none. */
export function natCounters(world: ScenarioWorld): Record<string, number> {
  if (world.natBoxes.size === 0 && world.natServices.length === 0) return {};
  const tally: Record<string, number> = {
    'nat.mappingsCreated': 0,
    'nat.mappingsExpired': 0,
    'nat.filteredInbound': 0,
    'nat.restarts': world.natRestarts,
    ...world.natNotes,
    'relay.granted': 0,
    'relay.bytesRelayed': 0,
    'relay.refused': 0,
    'relay.overLimit': 0,
    'relay.overQuota': 0,
    'stun.answered': 0,
  };
  for (const nat of world.natBoxes.values()) {
    // A NAT notices expiry only when it looks a mapping up: sweep so idle ones are counted.
    nat.mappings();
    tally['nat.mappingsCreated'] += nat.stats.mappingsCreated;
    tally['nat.mappingsExpired'] += nat.stats.mappingsExpired;
    tally['nat.filteredInbound'] += nat.stats.filteredInbound;
  }
  for (const { service } of world.natServices) {
    const { relay, responder } = service;
    tally['stun.answered'] += responder.stats.answered;
    if (relay === undefined) continue;
    tally['relay.granted'] += relay.stats.granted;
    tally['relay.bytesRelayed'] += relay.stats.bytesRelayed;
    tally['relay.refused'] += relay.stats.refused;
    tally['relay.overLimit'] += relay.stats.overLimit;
    tally['relay.overQuota'] += relay.stats.overQuota;
  }
  return tally;
}

/**
 * The NAT box reboots: every mapping is gone (sim/nat.ts `restart`). Counted as `nat.restarts`,
 * and the live mappings it dropped as `nat.mappingsDropped`.
 */
export function restartNat(world: ScenarioWorld, name: string): void {
  const nat = natBox(world, name);
  const live = nat.mappings().length;
  nat.restart();
  world.natRestarts++;
  world.natNotes['nat.mappingsDropped'] = (world.natNotes['nat.mappingsDropped'] ?? 0) + live;
}
