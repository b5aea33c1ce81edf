/**
 * The chat server's UDP side (docs/PROTOCOL.md, "NAT traversal"): one socket beside the TCP port
 * (the same number by default) that answers STUN Binding requests and, unless turned off, runs
 * the relay for pairs that cannot punch. The CLI's server and the simulated worlds start it the
 * same way; the chat server grants relays through a NatGranter, which may be made before the UDP
 * port is bound (the TCP port, and so the UDP port's number, is known only after listen).
 */
import type { AddressInfo, DatagramSocket, Platform, SystemError } from '../platform/types.ts';
import { BindingResponder } from './binding.ts';
import { type RelayLimits, RelayServer } from './relay.ts';

export interface NatServiceOptions {
  /** The relay's limits, or false for no relay (STUN only). */
  relay?: Partial<RelayLimits> | false;
  /** Socket errors (an unreachable client's ICMP, ...): they cost one datagram, not the service. */
  onError?: (error: SystemError) => void;
}

export interface NatService {
  readonly socket: DatagramSocket;
  readonly address: AddressInfo;
  readonly responder: BindingResponder;
  /** Absent with `relay: false`. */
  readonly relay: RelayServer | undefined;
  close(): Promise<void>;
}

/** Binds the UDP port and serves STUN (and the relay); rejects when the port is taken. */
export async function startNatService(
  platform: Pick<Platform, 'dgram' | 'clock'>,
  at: { address: string; port: number },
  options: NatServiceOptions = {},
): Promise<NatService> {
  // '::' serves both families on Linux (a dual-stack socket), as the TCP listener does.
  const socket = platform.dgram.createSocket(at.address.includes(':') ? 'udp6' : 'udp4');
  const address = await socket.bind(at.port, at.address);
  socket.on('error', (error) => options.onError?.(error));
  const responder = new BindingResponder(socket);
  const relay =
    options.relay === false ? undefined : new RelayServer(socket, platform.clock, options.relay);
  if (relay) socket.on('message', (msg, rinfo) => relay.handle(msg, rinfo));
  return {
    socket,
    address,
    responder,
    relay,
    close: () => {
      responder.stop();
      return socket.close();
    },
  };
}

/** What the chat server grants relays through (impl/chat/relay-grants.ts's RelayGranter). */
export class NatGranter {
  service: NatService | undefined;

  available(): boolean {
    return this.service?.relay !== undefined;
  }

  get port(): number {
    return this.service?.address.port ?? 0;
  }

  grant(transferId: number, token: Buffer, requester: string, owner: string): void {
    this.service?.relay?.grant(transferId, token, requester, owner);
  }
}
