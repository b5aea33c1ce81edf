/**
 * Worlds across simulated NATs (sim/nat.ts), each side behind a NAT of a given Site (or none):
 *
 * - `punchAcross(left, right, seed)`: two bare sockets and a STUN server; both learn their
 *   reflexive address, exchange candidates and punch (impl/nat/punch.ts). test/nat/punch.test.ts.
 * - `natPeerWorld(left, right, options)`: whole peers. A ChatServer with the NAT service (STUN and
 *   relay, impl/nat/service.ts) on host `server` (public, port 50000); `alice` behind `left`
 *   shares `options.file` as `file.bin`, `bob` behind `right`; both logged into one room, NAT
 *   traversal on (`options.nat` per peer overrides it; false: off) and the reflexive address
 *   learned. `run(promise)` runs the simulation until it settles; `close()` ends it all.
 *   test/peer/nat-transfer.test.ts, bench/nat-matrix.ts, and NAT scenarios build on it.
 */
import { ChatServer } from '../impl/chat/index.ts';
import { BindingResponder, discoverReflexive } from '../impl/nat/binding.ts';
import { type Candidate, HolePunch } from '../impl/nat/punch.ts';
import { NatGranter, type NatService, startNatService } from '../impl/nat/service.ts';
import { Peer, type PeerOptions } from '../impl/peer/peer.ts';
import type { Platform } from '../impl/platform/types.ts';
import { type SimHost, Simulator } from '../sim/index.ts';
import type { NatType } from '../sim/nat.ts';

export type Site = NatType | 'none';
export const SITES: Site[] = [
  'none',
  'full-cone',
  'address-restricted',
  'port-restricted',
  'symmetric',
];
const STUN_PORT = 7000;

/**
 * Whether hole punching joins `left` and `right` (RFC 4787): only a symmetric NAT facing a
 * port-restricted or symmetric one defeats it (test/nat/punch.test.ts proves it on bare sockets).
 */
export function punchable(left: Site, right: Site): boolean {
  const hard = (site: Site) => site === 'symmetric';
  const strict = (site: Site) => site === 'symmetric' || site === 'port-restricted';
  return !((hard(left) && strict(right)) || (hard(right) && strict(left)));
}
const PEER_PORT = 41000;

export async function punchAcross(left: Site, right: Site, seed = 1) {
  const sim = new Simulator({ seed });
  const server = sim.addHost('server');
  const hosts = [left, right].map((site, index) => {
    const name = index === 0 ? 'alice' : 'bob';
    if (site === 'none') return sim.addHost(name);
    const nat = sim.addNat(`nat-${name}`, { type: site });
    return sim.addHost(name, { behind: nat });
  });
  const serverSocket = server.platform.dgram.createSocket();
  await sim.until(serverSocket.bind(STUN_PORT));
  const responder = new BindingResponder(serverSocket);
  const sockets = hosts.map((host) => host.platform.dgram.createSocket());
  await sim.until(Promise.all(sockets.map((socket) => socket.bind(PEER_PORT))));
  const candidates: Candidate[][] = [];
  for (const [index, host] of hosts.entries()) {
    const reflexive = await sim.until(
      discoverReflexive(
        sockets[index],
        { address: server.address, port: STUN_PORT },
        host.platform,
      ),
    );
    candidates.push([
      { address: host.address, port: PEER_PORT, kind: 'host' },
      { address: reflexive.address, port: reflexive.port, kind: 'reflexive' },
    ]);
  }
  const token = Buffer.from('0123456789abcdef', 'hex');
  const punches = hosts.map(
    (host, index) =>
      new HolePunch(sockets[index], candidates[1 - index], host.platform, { transferId: 9, token }),
  );
  const outcomes = await sim.until(Promise.allSettled(punches.map((punch) => punch.done)));
  for (const punch of punches) punch.close();
  return { sim, hosts, candidates, punches, outcomes, responder };
}

export const NAT_SERVER_PORT = 50000;

export interface NatPeerWorldOptions {
  seed?: number;
  /** What alice shares as `file.bin` (default 64 KiB of a pattern). */
  file?: Uint8Array;
  /** The server's relay: false for none (the CLI's --no-relay). */
  relay?: boolean;
  /** Each peer's `nat` option (default `{ stun: 'server' }`). */
  nat?: { alice?: PeerOptions['nat']; bob?: PeerOptions['nat'] };
  /** Wraps a peer's platform (a spy, a fault) before the peer is built on it. */
  platforms?: { alice?: (platform: Platform) => Platform; bob?: (platform: Platform) => Platform };
  /** More options for both peers (transfer settings, ...), and for each (identities, ...). */
  peer?: Partial<Omit<PeerOptions, 'platform' | 'name' | 'server' | 'folder' | 'nat'>>;
  each?: { alice?: NatPeerWorldOptions['peer']; bob?: NatPeerWorldOptions['peer'] };
}

export interface NatPeerWorld {
  sim: Simulator;
  server: ChatServer;
  service: NatService;
  alice: Peer;
  bob: Peer;
  hosts: { server: SimHost; alice: SimHost; bob: SimHost };
  file: Uint8Array;
  folderOf(name: 'alice' | 'bob'): string;
  run<T>(promise: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function natPeerWorld(
  left: Site,
  right: Site,
  options: NatPeerWorldOptions = {},
): Promise<NatPeerWorld> {
  const sim = new Simulator({ seed: options.seed ?? 1 });
  const serverHost = sim.addHost('server');
  const [alice, bob] = (['alice', 'bob'] as const).map((name, index) => {
    const site = index === 0 ? left : right;
    if (site === 'none') return sim.addHost(name);
    return sim.addHost(name, { behind: sim.addNat(`nat-${name}`, { type: site }) });
  });
  const granter = new NatGranter();
  const server = new ChatServer({
    platform: serverHost.platform,
    host: serverHost.address,
    port: NAT_SERVER_PORT,
    relay: granter,
  });
  await sim.until(server.listen());
  const at = { address: serverHost.address, port: NAT_SERVER_PORT };
  const relay = options.relay === false ? false : {};
  const service = await sim.until(startNatService(serverHost.platform, at, { relay }));
  granter.service = service;
  const file = options.file ?? Buffer.from(Array.from({ length: 65_536 }, (_, i) => i % 251));
  const folderOf = (name: 'alice' | 'bob') => `/home/${name}/folder`;
  alice.files.mkdir(folderOf('alice'));
  alice.files.write(`${folderOf('alice')}/file.bin`, file);
  bob.files.mkdir(folderOf('bob'));
  const peers = ([alice, bob] as const).map((host, index) => {
    const name = index === 0 ? 'alice' : 'bob';
    const nat = options.nat?.[name];
    const wrap = options.platforms?.[name] ?? ((platform: Platform) => platform);
    return new Peer({
      ...options.peer,
      ...options.each?.[name],
      platform: wrap(host.platform),
      name,
      server: { host: serverHost.address, port: NAT_SERVER_PORT },
      folder: folderOf(name),
      nat: nat === undefined ? { stun: 'server' } : nat,
    });
  });
  await sim.until(peers[0].connect());
  await sim.until(peers[0].create('nat-room'));
  await sim.until(peers[1].connect());
  await sim.until(peers[1].join('nat-room'));
  // The reflexive address is learned in the background: give it the time STUN may take.
  await sim.until(
    new Promise<void>((resolve) => serverHost.platform.clock.setTimeout(resolve, 4_000)),
  );
  return {
    sim,
    server,
    service,
    alice: peers[0],
    bob: peers[1],
    hosts: { server: serverHost, alice, bob },
    file,
    folderOf,
    run: (promise) => sim.until(promise),
    async close() {
      await sim.until(Promise.all(peers.map((peer) => peer.close())));
      await sim.until(server.close('world over'));
      await sim.until(service.close());
    },
  };
}
