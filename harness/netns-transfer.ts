/**
 * A whohas transfer across real NATs (harness/netns.ts): `whohas server` in the public
 * namespace, `whohas peer --serve` sharing files behind the first site, and `whohas get` run
 * behind the second. Every process runs the CLI from source; `close()` kills them, removes the
 * namespaces and the temporary folder, also after a failed start.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNatNetwork, type NatKind, type NatNetwork } from './netns.ts';
import { WhohasProcess } from './whohas-process.ts';

export const NETNS_PORT = 7000;

export interface NetnsTransferWorld {
  net: NatNetwork;
  dir: string;
  server: WhohasProcess;
  owner: WhohasProcess;
  /** `whohas get FILE ... --json` behind the second site; `extra` flags appended. */
  get(file: string, extra?: string[]): WhohasProcess;
  close(): Promise<void>;
}

export interface NetnsTransferOptions {
  /** Flags for `whohas server` (e.g. --relay-bandwidth). */
  server?: string[];
  /** Flags for the owner's `whohas peer --serve` (e.g. --no-nat). */
  owner?: string[];
}

export async function startNetnsTransfer(
  kinds: [NatKind, NatKind],
  files: Record<string, Uint8Array>,
  options: NetnsTransferOptions = {},
): Promise<NetnsTransferWorld> {
  const net = buildNatNetwork(kinds);
  const dir = await mkdtemp(join(tmpdir(), 'whohas-netns-'));
  const running: WhohasProcess[] = [];
  const start = (ns: string, args: string[]) => {
    const child = new WhohasProcess(args, dir, { netns: ns });
    running.push(child);
    return child;
  };
  const close = async () => {
    await Promise.all(running.map((child) => child.stop('SIGKILL')));
    net.destroy();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const address = `${net.serverAddress}:${NETNS_PORT}`;
    const server = start(net.serverNs, [
      'server',
      '--host',
      '0.0.0.0',
      '--port',
      String(NETNS_PORT),
      '--port-tries',
      '1',
      '--quiet',
      ...(options.server ?? []),
    ]);
    await server.line(/^STUN on udp /);
    await mkdir(join(dir, 'owner'));
    for (const [name, data] of Object.entries(files)) {
      await writeFile(join(dir, 'owner', name), data);
    }
    const [ownerSite, getSite] = net.sites;
    const owner = start(ownerSite.peerNs, [
      'peer',
      '--serve',
      '--name',
      'owner',
      '--room',
      'lab',
      '--create',
      '--server',
      address,
      '--folder',
      'owner',
      ...(options.owner ?? []),
    ]);
    await owner.line(/^whohas peer owner serving /);
    let gets = 0;
    const get = (file: string, extra: string[] = []) => {
      gets += 1;
      return start(getSite.peerNs, [
        'get',
        file,
        '--name',
        `fetcher${gets}`,
        '--room',
        'lab',
        '--server',
        address,
        '--out',
        `downloads${gets}`,
        '--json',
        ...extra,
      ]);
    };
    return { net, dir, server, owner, get, close };
  } catch (error) {
    await close();
    throw error;
  }
}
