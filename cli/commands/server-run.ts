/** The action of `whohas server` (its options: server.ts), loaded only when it runs. */
import { hostname } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { ChatServer } from '../../impl/chat/index.ts';
import type { ChatLimits } from '../../impl/chat/limits.ts';
import { NatGranter } from '../../impl/nat/service.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { printAbove } from '../console/terminal.ts';
import { hostPort } from '../host-port.ts';
import { adminLines, startStun } from '../server-nat.ts';
import { serverTls } from '../tls-options.ts';
import { LIMIT_FLAGS, type ServerFlags } from './server.ts';

/** What `whohas server` does with its flags. */
export async function server(flags: ServerFlags & Record<string, unknown>): Promise<void> {
  // commander names each option after its flag (--max-line-bytes: maxLineBytes).
  const limits: Partial<ChatLimits> = {};
  for (const [flag, key] of LIMIT_FLAGS) {
    const value = flags[camel(flag.split(' ')[0].slice(2))];
    if (typeof value === 'number') limits[key] = value;
  }
  await runServer(flags, limits);
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
    const lines = adminLines(line, (typed) => server.admin.execute(typed), relay);
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
