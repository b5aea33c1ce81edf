/**
 * IPv6 on the real loopback (::1), end to end through the CLI: `whohas server --host ::` serves
 * both families on one port (chat over TCP, STUN over UDP), and two peers that reach it as
 * `[::1]:PORT` move a file over IPv6 (a requester on IPv4 gets it through the relay). Before the
 * transfer sockets took the chat socket's family, this download failed with IO_ERROR (bind
 * EINVAL ::1: a udp4 socket on an IPv6 address). With NAT traversal the candidates are IPv6 too.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ipv6Test } from '../helpers/ipv6.ts';
import { patternBytes } from '../helpers/platforms.ts';
import { type Start, startOwner, withProcesses } from '../helpers/processes.ts';

/** `whohas server --host ::` on a free port: its port, from `listening on [::]:PORT`. */
async function dualStackServer(start: Start): Promise<number> {
  const server = start(['server', '--host', '::', '--port', '0', '--quiet']);
  const [, port] = await server.line(/^whohas server listening on \[::\]:(\d+)$/);
  await server.line(/^STUN on udp \[::\]:\d+$/);
  return Number(port);
}

function getArgs(file: string, name: string, server: string): string[] {
  return ['get', file, '--name', name, '--room', 'chatroom', '--server', server, '--json'];
}

ipv6Test(
  'two peers on [::1] move a file over IPv6 through a dual-stack server; one on IPv4 gets it by relay',
  (t) =>
    withProcesses(async (start, dir) => {
      const data = patternBytes(2 * 1024 * 1024 + 11, 7);
      const port = await dualStackServer(start);
      const owner = await startOwner(start, dir, `[::1]:${port}`, { blob: data }, ['--create']);
      const get = start([...getArgs('blob', 'eko', `[::1]:${port}`), '--out', 'downloads']);
      t.deepEqual(await get.finish(), { code: 0, signal: null }, get.stderr.join('\n'));
      const report = JSON.parse(get.stdout[0]);
      t.like(report, { ok: true, from: 'eswar', size: data.length, failures: [] });
      t.true((await readFile(join(dir, 'downloads', 'blob'))).equals(data), 'byte-identical');
      // The requester's getfile named its IPv6 transfer address and offered IPv6 candidates
      // (NAT traversal is on): the bytes moved over IPv6, on the punched IPv6 pair.
      await owner.line(/^#eko\|getfile\|blob\|::1\|\d+\|.*\|cand=h-::1-\d+(,|\|)/);
      t.is(report.path, 'direct');
      await owner.line(/^upload done: blob: .*, direct \[::1\]:\d+ \(host\)$/);
      t.regex(report.pair.remote, /^\[::1\]:\d+$/);

      // The same port speaks IPv4 too: a requester over 127.0.0.1 shares no address family with
      // the owner on ::1, so no hole can be punched; the dual-stack server's relay carries it.
      const v4 = start([...getArgs('blob', 'ipv4', `127.0.0.1:${port}`), '--out', 'downloads-v4']);
      t.deepEqual(await v4.finish(), { code: 0, signal: null }, v4.stderr.join('\n'));
      t.like(JSON.parse(v4.stdout[0]), { ok: true, path: 'relay', pair: { kind: 'relay' } });
      t.true((await readFile(join(dir, 'downloads-v4', 'blob'))).equals(data), 'byte-identical');
    }),
);

ipv6Test('STUN on a dual-stack server answers each family in its own form', (t) =>
  withProcesses(async (start) => {
    const port = await dualStackServer(start);
    for (const [server, seen] of [
      [`[::1]:${port}`, '::1'],
      [`127.0.0.1:${port}`, '127.0.0.1'],
    ]) {
      const stun = start(['stun', server, '--json']);
      t.deepEqual(await stun.finish(), { code: 0, signal: null }, stun.stderr.join('\n'));
      const answer = JSON.parse(stun.stdout[0]);
      // ::1 can only come back in an IPv6 XOR-MAPPED-ADDRESS (family 0x02, 16 bytes).
      t.is(answer.reflexive[0].address, seen, server);
      t.is(answer.reflexive[0].port, answer.local.port);
    }
  }),
);
