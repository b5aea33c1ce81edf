/**
 * `whohas stun HOST[:PORT]`: asks a STUN server (a whohas server answers on its own port, UDP)
 * how it sees this machine: the reflexive address and port, the one a NAT maps us to. Prints
 * `reflexive ADDRESS:PORT (local ..., N ms)`, or with --json one object. Exit 0, or 1 with
 * STUN_TIMEOUT when nobody answers (about 3.75 s).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PORT } from '../../impl/chat/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { discoverReflexive } from '../../impl/nat/binding.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

interface StunFlags {
  localPort: number;
  json?: boolean;
}

/** `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address. */
export function parseServer(text: string): { address: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1], port: portOf(bracketed[2]) };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [address, port] = text.split(':');
    return { address, port: portOf(port) };
  }
  return { address: text, port: DEFAULT_PORT };
}

function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`bad port ${text}`);
  }
  return port;
}

export function register(program: Command): void {
  program
    .command('stun')
    .description(
      'ask a STUN server (any whohas server) how it sees this machine: the reflexive address',
    )
    .argument('<server>', `HOST[:PORT] (default port ${DEFAULT_PORT})`, parseServer)
    .option('--local-port <P>', 'the local UDP port to ask from', (text) => portOf(text), 0)
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (server: { address: string; port: number }, flags: StunFlags) => {
      process.exitCode = await stun(server, flags);
    });
}

async function stun(server: { address: string; port: number }, flags: StunFlags): Promise<number> {
  const platform = createNodePlatform();
  const socket = platform.dgram.createSocket(server.address.includes(':') ? 'udp6' : 'udp4');
  try {
    const local = await socket.bind(flags.localPort);
    const reflexive = await discoverReflexive(socket, server, platform);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, local, reflexive, server })}\n`);
    } else {
      console.log(
        `reflexive ${reflexive.address}:${reflexive.port} (local port ${local.port}, ${reflexive.rttMs.toFixed(1)} ms)`,
      );
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
