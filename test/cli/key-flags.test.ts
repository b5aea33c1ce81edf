/**
 * The security flags end to end, with real processes on loopback: `whohas server --tls` makes
 * and keeps a self-signed certificate and prints its fingerprint; `peer --tls --seal` and
 * `get --tls --seal` move a file sealed inside a TLS chat, pinning the server's certificate and
 * the owner's key; a server restarted with another certificate is refused (SERVER_KEY_CHANGED).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { type Start, startOwner, withProcesses } from '../helpers/processes.ts';

async function tlsServer(start: Start, state: string, port = '0') {
  const server = start([
    'server',
    '--host',
    '127.0.0.1',
    '--port',
    port,
    '--quiet',
    '--tls',
    '--state',
    state,
  ]);
  const [, print] = await server.line(/^TLS certificate fingerprint \(SHA-256\) ([0-9a-f:]+)$/);
  const [, bound] = await server.line(/^whohas server listening on 127\.0\.0\.1:(\d+)$/);
  return { server, fingerprint: print.replaceAll(':', ''), port: bound };
}

test('a sealed download over TLS pins the server certificate and the owner key; a new certificate is refused', (t) =>
  withProcesses(async (start, dir) => {
    const first = await tlsServer(start, 'state-a');
    const address = `127.0.0.1:${first.port}`;
    await startOwner(start, dir, address, { text: 'sealed hello' }, [
      '--create',
      '--tls',
      '--seal',
    ]);
    const get = () =>
      start([
        'get',
        'text',
        '--name',
        'eko',
        '--room',
        'chatroom',
        '--server',
        address,
        '--out',
        'dl',
        '--json',
        '--tls',
        '--seal',
      ]);
    const ok = get();
    t.is((await ok.finish()).code, 0, ok.output());
    t.like(JSON.parse(ok.stdout[0]), { ok: true, verified: 'sha256' });
    t.is(await readFile(join(dir, 'dl', 'text'), 'utf8'), 'sealed hello');
    const pins = JSON.parse(await readFile(join(dir, 'dl', '.whohas-keys.json'), 'utf8'));
    t.is(
      pins[`server:127.0.0.1:${first.port}`],
      first.fingerprint,
      'the printed certificate is pinned',
    );
    t.regex(pins[`127.0.0.1:${first.port}/eswar`], /^[0-9a-f]{64}$/, "the owner's key is pinned");
    t.is((await stat(join(dir, 'dl', '.whohas-identity.pem'))).mode & 0o777, 0o600);

    await first.server.stop('SIGTERM');
    const second = await tlsServer(start, 'state-b', first.port);
    t.not(second.fingerprint, first.fingerprint);
    const refused = get();
    t.not((await refused.finish()).code, 0);
    t.regex(refused.output(), /SERVER_KEY_CHANGED/);
  }));
