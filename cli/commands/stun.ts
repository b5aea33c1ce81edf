/**
 * `whohas stun HOST[:PORT] [HOST[:PORT]...]`: asks STUN servers (a whohas server answers on its
 * own port, UDP) how they see this machine: the reflexive address and port, the one a NAT maps
 * us to. All from one socket, so two servers also tell the NAT's mapping behaviour (RFC 4787):
 * the same reflexive port for both is endpoint-independent (a cone NAT: hole punching works),
 * different ports are endpoint-dependent (a symmetric NAT: a relay is needed). Prints a line per
 * server, or with --json one object. Exit 0, or 1 with STUN_TIMEOUT when one does not answer.
 * What runs is stun-run.ts, loaded only then.
 */
import type { Command } from 'commander';
import { DEFAULT_PORT } from '../../impl/chat/listen-defaults.ts';
import { parseServer, portOf } from '../host-port.ts';

export interface StunFlags {
  localPort: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('stun')
    .description(
      'ask a STUN server (any whohas server) how it sees this machine: the reflexive address',
    )
    .argument(
      '<servers...>',
      `HOST[:PORT] (default port ${DEFAULT_PORT}); two tell the NAT's mapping`,
    )
    .option('--local-port <P>', 'the local UDP port to ask from', (text) => portOf(text), 0)
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (servers: string[], flags: StunFlags) => {
      const { stun } = await import('./stun-run.ts');
      process.exitCode = await stun(servers.map(parseServer), flags);
    });
}
