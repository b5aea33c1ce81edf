/** The server's STUN responder and relay on its UDP port (docs/PROTOCOL.md, "NAT traversal"). */
import type { RelayLimits, RelayServer } from '../impl/nat/relay.ts';
import { type NatService, startNatService } from '../impl/nat/service.ts';
import type { AddressInfo, Platform } from '../impl/platform/types.ts';
import { hostPort } from './host-port.ts';

/** The admin console's `relays`: every live relay and the relay's counters. */
export function relayLines(relay: RelayServer | undefined): string[] {
  if (!relay) return ['no relay (--no-relay, --no-stun, or its UDP port was taken)'];
  const { granted, active, bytesRelayed, refused, overLimit, overQuota } = relay.stats;
  return [
    ...relay
      .list()
      .map((r) => `relay ${r.transferId}: ${r.users[0]} ↔ ${r.users[1]}, ${r.bound} of 2 bound`),
    `relays granted ${granted}, active ${active}, bytes relayed ${bytesRelayed}, refused ${refused}, over limit ${overLimit}, over quota ${overQuota}`,
  ];
}

/**
 * One admin console line: `relays` lists the relay; `stats` is the chat server's statistics and
 * then the relay's counters (`relay.granted 3`, ...), so one command shows every counter.
 */
export function adminLines(
  line: string,
  execute: (line: string) => string[],
  relay: RelayServer | undefined,
): string[] {
  const command = line.trim();
  if (command === 'relays') return relayLines(relay);
  const lines = execute(line);
  if (command !== 'stats' || relay === undefined) return lines;
  return [...lines, ...Object.entries(relay.stats).map(([key, value]) => `relay.${key} ${value}`)];
}

/**
 * STUN Binding (and the relay, unless `relay` is false) on the UDP port of the TCP port's number
 * (docs/PROTOCOL.md, "NAT traversal"), through impl/nat/service.ts as the simulated worlds do.
 * A taken UDP port costs only this service, never the chat.
 */
export async function startStun(
  platform: Platform,
  address: AddressInfo,
  quiet: boolean | undefined,
  relay: Partial<RelayLimits> | false,
): Promise<NatService | undefined> {
  try {
    const service = await startNatService(platform, address, {
      relay,
      onError: (error) => {
        if (!quiet) console.error(`[server] STUN socket: ${error.code}`);
      },
    });
    console.log(`STUN on udp ${hostPort(address.address, address.port)}`);
    return service;
  } catch (error) {
    console.error(
      `[server] no STUN on udp ${hostPort(address.address, address.port)}: ${(error as Error).message}`,
    );
    return undefined;
  }
}
