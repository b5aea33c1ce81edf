/**
 * `whohas server [--host H] [--port P] [--port-tries N] [--cluster URL [--node NAME]] [limits...]`:
 * the chat server on real
 * sockets, with the admin console on stdin (a terminal or a pipe; the server keeps running when
 * stdin closes). SIGINT / SIGTERM shut it down cleanly, telling every client.
 */
import { hostname } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DIALOGS, type DialogName } from '../../impl/chat/dialog-2016.ts';
import {
  ChatServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_PORT_TRIES,
} from '../../impl/chat/index.ts';
import type { ChatLimits } from '../../impl/chat/limits.ts';
import { DEFAULT_RELAY_LIMITS } from '../../impl/nat/relay.ts';
import { NatGranter } from '../../impl/nat/service.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { printAbove } from '../console/terminal.ts';
import { hostPort } from '../host-port.ts';
import { relayLines, startStun } from '../server-nat.ts';
import { addTlsFlags, serverTls, type TlsFlags } from '../tls-flags.ts';

function count(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    }
    return value;
  };
}

/** Limit flags: option name, ChatLimits key, description. */
const LIMIT_FLAGS: [string, keyof ChatLimits, string][] = [
  ['--max-connections <N>', 'maxConnections', 'open connections before SERVER_FULL'],
  ['--max-line-bytes <N>', 'maxLineBytes', 'bytes in a line'],
  ['--max-bad-lines <N>', 'maxBadLines', 'oversize or badly encoded lines before disconnect'],
  ['--max-login-tries <N>', 'maxLoginTries', 'refused answers per login step'],
  ['--login-timeout <MS>', 'loginTimeoutMs', 'time to finish the login dialog'],
  ['--rate <N>', 'rateLinesPerSecond', 'lines per second per client (token bucket rate)'],
  ['--burst <N>', 'rateBurst', 'token bucket size, in lines'],
  ['--flood-limit <N>', 'floodLimit', 'rate-limited lines before FLOODING disconnects'],
  ['--max-outbox-bytes <N>', 'maxOutboxBytes', 'bytes queued to a client before it is cut off'],
  ['--stall-timeout <MS>', 'stallTimeoutMs', 'time a full client buffer may take to drain'],
  ['--close-grace <MS>', 'closeGraceMs', 'time a client gets to close after the server ends it'],
  [
    '--unterminated-quiet <MS>',
    'unterminatedQuietMs',
    'silence that ends an unterminated message (2016 clients)',
  ],
];

interface ServerFlags extends Partial<ChatLimits>, TlsFlags {
  host: string;
  port: number;
  portTries: number;
  quiet?: boolean;
  stun?: boolean;
  relay?: boolean;
  relayBandwidth: number;
  relayQuota: number;
  dialog: DialogName;
  cluster?: string;
  node?: string;
  clusterPrefix: string;
  clusterTtl: number;
  clusterHeartbeat: number;
}

export function register(program: Command): void {
  const command = program
    .command('server')
    .description('run the chat server; type admin commands on stdin (help lists them)')
    .option('--host <H>', 'address to listen on (0.0.0.0 serves the LAN)', DEFAULT_HOST)
    .option('--port <P>', 'first port to try', count('port', 0), DEFAULT_PORT)
    .option(
      '--port-tries <N>',
      'ports to try upwards while taken',
      count('port-tries', 1),
      DEFAULT_PORT_TRIES,
    )
    .option('--no-stun', 'do not answer STUN Binding requests on UDP (the TCP port number)')
    .option('--no-relay', 'do not relay transfers between peers that cannot reach each other')
    .option(
      '--relay-bandwidth <BPS>',
      'bytes per second the relay forwards in all',
      count('relay-bandwidth', 1),
      DEFAULT_RELAY_LIMITS.bandwidthBps,
    )
    .option(
      '--relay-quota <BYTES>',
      'bytes one user may have relayed',
      count('relay-quota', 1),
      DEFAULT_RELAY_LIMITS.userQuotaBytes,
    )
    .option('--quiet', 'do not log connections and logins to stderr')
    .addOption(
      new Option('--dialog <D>', "the dialog texts: whohas, or 2016 (the 2016 report's)")
        .choices(DIALOGS)
        .default('whohas'),
    )
    .option(
      '--cluster <URL>',
      'share users and rooms with the servers on this Redis (redis:// or rediss://)',
    )
    .option('--node <NAME>', "this server's name in the cluster (default HOSTNAME:PORT)")
    .option(
      '--cluster-prefix <P>',
      'Redis key prefix: clusters sharing one Redis differ',
      'whohas:',
    )
    .option(
      '--cluster-ttl <MS>',
      'a server silent this long is dead: its users leave',
      count('cluster-ttl', 100),
      3000,
    )
    .option(
      '--cluster-heartbeat <MS>',
      'presence refresh period',
      count('cluster-heartbeat', 10),
      1000,
    );
  addTlsFlags(command);
  for (const [flag, , description] of LIMIT_FLAGS) {
    command.option(flag, description, count(flag.split(' ')[0].slice(2), 1));
  }
  command.action(async (flags: ServerFlags & Record<string, unknown>) => {
    // commander names each option after its flag (--max-line-bytes: maxLineBytes).
    const limits: Partial<ChatLimits> = {};
    for (const [flag, key] of LIMIT_FLAGS) {
      const value = flags[camel(flag.split(' ')[0].slice(2))];
      if (typeof value === 'number') limits[key] = value;
    }
    await runServer(flags, limits);
  });
}

async function runServer(flags: ServerFlags, limits: Partial<ChatLimits>): Promise<void> {
  const platform = createNodePlatform();
  // On a terminal a log line goes above the admin prompt, the half-typed command redrawn after it.
  let console_: Interface | undefined;
  const log = (text: string) => {
    if (console_ && process.stdin.isTTY && process.stderr.isTTY) {
      printAbove(console_, process.stderr, text);
    } else console.error(text);
  };
  // The relay lives on the STUN socket, which is bound once the TCP port is known.
  const granter = new NatGranter();
  // ioredis loads only for a cluster: a single server starts without it.
  const cluster =
    flags.cluster === undefined
      ? undefined
      : new (await import('../../impl/cluster/index.ts')).RedisCluster({
          url: flags.cluster,
          clock: platform.clock,
          random: platform.random,
          prefix: flags.clusterPrefix,
          ttlMs: flags.clusterTtl,
          heartbeatMs: flags.clusterHeartbeat,
        });
  const server = new ChatServer({
    ...limits,
    platform,
    relay: granter,
    host: flags.host,
    port: flags.port,
    portTries: flags.portTries,
    dialog: flags.dialog,
    tls: await serverTls(flags, (line) => console.log(line)),
    log: flags.quiet ? undefined : (line) => log(`[server] ${line}`),
    cluster,
  });
  const address = await server.listen();
  if (cluster !== undefined) {
    // Until this resolves, logins are refused with CLUSTER_UNAVAILABLE.
    const node = flags.node ?? `${hostname()}:${address.port}`;
    try {
      await cluster.connect(node);
    } catch (error) {
      console.error(
        `whohas server: cannot join the cluster at ${flags.cluster}: ${(error as Error).message}`,
      );
      await server.close('The server could not join its cluster');
      await cluster.close();
      process.exitCode = 1;
      return;
    }
    console.log(`whohas server joined cluster ${redact(flags.cluster!)} as ${node}`);
  }
  console.log(`whohas server listening on ${hostPort(address.address, address.port)}`);
  const relayLimits = { bandwidthBps: flags.relayBandwidth, userQuotaBytes: flags.relayQuota };
  granter.service =
    flags.stun === false
      ? undefined
      : await startStun(platform, address, flags.quiet, flags.relay !== false && relayLimits);
  const relay = granter.service?.relay;

  console_ = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
    prompt: 'admin> ',
  });
  console_.on('line', (line) => {
    const lines = line.trim() === 'relays' ? relayLines(relay) : server.admin.execute(line);
    for (const out of lines) console.log(out);
    if (process.stdin.isTTY) console_.prompt();
  });
  let closing = false;
  // A closed stdin (end of a pipe, ^D) ends only the console, not the server.
  console_.on('close', () => {
    if (!flags.quiet && !closing) console.error('[server] admin console closed; still serving');
  });
  if (process.stdin.isTTY) console_.prompt();

  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    console.error(`[server] ${signal}: shutting down`);
    void server.close('The server is shutting down');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // On a terminal readline takes ^C itself and reports it here instead of as a process signal.
  console_.on('SIGINT', () => onSignal('SIGINT'));

  await server.closed;
  await granter.service?.close();
  await cluster?.close();
  closing = true;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  console_.close();
  process.stdin.destroy();
  console.log('whohas server closed');
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
