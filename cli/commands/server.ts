/**
 * `whohas server [--host H] [--port P] [--port-tries N] [--cluster URL [--node NAME]] [limits...]`:
 * the chat server on real
 * sockets, with the admin console on stdin (a terminal or a pipe; the server keeps running when
 * stdin closes). SIGINT / SIGTERM shut it down cleanly, telling every client. The options are
 * here; what runs is server-run.ts, loaded only then.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DIALOGS, type DialogName } from '../../impl/chat/dialog-2016.ts';
import type { ChatLimits } from '../../impl/chat/limits.ts';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PORT_TRIES } from '../../impl/chat/listen-defaults.ts';
import { DEFAULT_RELAY_LIMITS } from '../../impl/nat/relay.ts';
import { addTlsFlags, type TlsFlags } from '../tls-flags.ts';

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
export const LIMIT_FLAGS: [string, keyof ChatLimits, string][] = [
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

export interface ServerFlags extends Partial<ChatLimits>, TlsFlags {
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
    const { server } = await import('./server-run.ts');
    await server(flags);
  });
}
