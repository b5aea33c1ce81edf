/**
 * `whohas stun HOST[:PORT] [HOST[:PORT]...]`: asks STUN servers (a whohas server answers on its
 * own port, UDP) how they see this machine: the reflexive address and port, the one a NAT maps
 * us to. All from one socket, so two servers also tell the NAT's mapping behaviour (RFC 4787):
 * the same reflexive port for both is endpoint-independent (a cone NAT: hole punching works),
 * different ports are endpoint-dependent (a symmetric NAT: a relay is needed). Prints a line per
 * server, or with --json one object. Exit 0, or 1 with STUN_TIMEOUT when one does not answer.
 */
import type { Command } from 'commander';
import { DEFAULT_PORT } from '../../impl/chat/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { discoverReflexive } from '../../impl/nat/binding.ts';
import { datagramTypeFor } from '../../impl/platform/family.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { hostPort, parseServer, portOf } from '../host-port.ts';

interface StunFlags {
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
      process.exitCode = await stun(servers.map(parseServer), flags);
    });
}

export type Mapping = 'endpoint-independent' | 'endpoint-dependent';

/** What two or more reflexive ports for one socket say of the NAT's mapping. */
export function mappingOf(
  reflexive: Array<{ address: string; port: number }>,
): Mapping | undefined {
  if (reflexive.length < 2) return undefined;
  const first = reflexive[0];
  return reflexive.every((r) => r.address === first.address && r.port === first.port)
    ? 'endpoint-independent'
    : 'endpoint-dependent';
}

async function stun(
  servers: Array<{ address: string; port: number }>,
  flags: StunFlags,
): Promise<number> {
  const platform = createNodePlatform();
  const socket = platform.dgram.createSocket(datagramTypeFor(servers[0].address));
  try {
    const local = await socket.bind(flags.localPort);
    const reflexive = [];
    for (const server of servers) {
      reflexive.push({ server, ...(await discoverReflexive(socket, server, platform)) });
    }
    const mapping = mappingOf(reflexive);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, local, reflexive, mapping })}\n`);
    } else {
      for (const r of reflexive) {
        console.log(
          `reflexive ${hostPort(r.address, r.port)} seen by ${hostPort(r.server.address, r.server.port)} (local port ${local.port}, ${r.rttMs.toFixed(1)} ms)`,
        );
      }
      if (mapping) console.log(`mapping: ${mapping}`);
    }
    return 0;
  } catch (error) {
    const code = isWhohasError(error) ? error.code : 'ERROR';
    const message = (error as Error).message;
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, code, message })}\n`);
    else console.error(`${code}: ${message}`);
    return 1;
  } finally {
    await socket.close();
  }
}
