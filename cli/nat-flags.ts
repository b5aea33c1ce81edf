/**
 * NAT traversal flags of `whohas peer` and `whohas get` (docs/PROTOCOL.md, "NAT traversal"): on
 * by default, with the chat server as the STUN server. `--no-nat` goes the 2016 LAN way (the
 * address in getfile is the only one tried), `--stun HOST:PORT` asks another STUN server,
 * `--no-relay` never asks the server's relay (a pair that cannot be punched then fails with
 * NAT_TRAVERSAL_FAILED).
 */
import type { Command } from 'commander';
import { parseServer } from './host-port.ts';

export interface NatFlags {
  /** False with --no-nat. */
  nat: boolean;
  stun?: { address: string; port: number };
  /** False with --no-relay. */
  relay: boolean;
}

export function addNatFlags(command: Command): Command {
  return command
    .option('--no-nat', 'no NAT traversal: send the local address only, as in 2016')
    .option(
      '--stun <HOST:PORT>',
      'the STUN server that tells our reflexive address (default: the chat server)',
      parseServer,
    )
    .option('--no-relay', "never ask the server's relay when hole punching fails");
}

/** The Peer's `nat` option the flags stand for. */
export function natOptions(flags: NatFlags): {
  nat: false | { stun: 'server' | { address: string; port: number }; relay: boolean };
} {
  if (!flags.nat) return { nat: false };
  return { nat: { stun: flags.stun ?? 'server', relay: flags.relay } };
}
