/** The action of `whohas stun` (its options: stun.ts), loaded only when it runs. */
import { isWhohasError } from '../../impl/errors.ts';
import { discoverReflexive } from '../../impl/nat/binding.ts';
import { datagramTypeFor } from '../../impl/platform/family.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { hostPort } from '../host-port.ts';
import type { StunFlags } from './stun.ts';

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

export async function stun(
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
