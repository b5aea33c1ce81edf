/** The server's STUN responder and relay on its UDP port (docs/PROTOCOL.md, "NAT traversal"). */
import { BindingResponder } from '../impl/nat/binding.ts';
import type { RelayServer } from '../impl/nat/relay.ts';
import { datagramTypeFor } from '../impl/platform/family.ts';
import type { AddressInfo, DatagramSocket, Platform } from '../impl/platform/types.ts';
import { hostPort } from './host-port.ts';

/** The admin console's `relays`: every live relay and the relay's counters. */
export function relayLines(relay: RelayServer | undefined): string[] {
  if (!relay) return ['no relay (--no-relay, --no-stun, or its UDP port was taken)'];
  const { granted, active, bytesRelayed, refused, overLimit } = relay.stats;
  return [
    ...relay
      .list()
      .map((r) => `relay ${r.transferId}: ${r.users[0]} ↔ ${r.users[1]}, ${r.bound} of 2 bound`),
    `relays granted ${granted}, active ${active}, bytes relayed ${bytesRelayed}, refused ${refused}, over limit ${overLimit}`,
  ];
}

/**
 * STUN Binding on the UDP port of the TCP port's number (docs/PROTOCOL.md, "NAT"): peers learn
 * their reflexive address here. A taken UDP port costs only this service, never the chat.
 */
export async function startStun(
  platform: Platform,
  address: AddressInfo,
  quiet: boolean | undefined,
): Promise<DatagramSocket | undefined> {
  // '::' serves both families on Linux (a dual-stack socket), as the TCP listener does.
  const socket = platform.dgram.createSocket(datagramTypeFor(address.address));
  try {
    await socket.bind(address.port, address.address);
  } catch (error) {
    console.error(
      `[server] no STUN on udp ${hostPort(address.address, address.port)}: ${(error as Error).message}`,
    );
    return undefined;
  }
  socket.on('error', (error) => {
    if (!quiet) console.error(`[server] STUN socket: ${error.code}`);
  });
  new BindingResponder(socket);
  console.log(`STUN on udp ${hostPort(address.address, address.port)}`);
  return socket;
}
