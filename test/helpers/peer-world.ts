/**
 * A simulated whohas world for peer tests, built with the harness world (harness/world.ts): a
 * ChatServer on its own host, and peers on other hosts, each with a share folder holding its
 * files, logged into one room. Everything derives from the seed, which `replay` names.
 */
import type { ExecutionContext } from 'ava';
import { createWorld, type PeerStart, type World } from '../../harness/world.ts';
import type { ChatServer, ChatServerOptions } from '../../impl/chat/index.ts';
import type { Peer } from '../../impl/peer/peer.ts';
import type {
  PathConfig,
  ProfileName,
  SimHost,
  Simulator,
  SimulatorOptions,
} from '../../sim/index.ts';
import { logReplay } from './replay.ts';

export const SERVER_PORT = 50000;

export interface PeerSpec {
  name: string;
  /** Files in the peer's share folder: name → contents. */
  files?: Record<string, Uint8Array | string>;
  /** Peer options beyond platform, name, server and folder. */
  options?: Partial<Omit<PeerStart, 'server'>>;
  /** Log in and enter the room while building (default true). */
  enter?: boolean;
}

export interface PeerWorldOptions {
  /** The test: it logs the seed and the command that replays the test (shown on failure). */
  t?: ExecutionContext;
  seed?: number | string;
  /** Peers in order: the first one creates the room, the rest join it. */
  peers: Array<string | PeerSpec>;
  room?: string;
  password?: string;
  /** Path profile between every pair of hosts (default: the simulator's `lan`). */
  profile?: ProfileName | PathConfig;
  /** Extra ChatServer options (limits, log). */
  server?: Partial<Omit<ChatServerOptions, 'platform'>>;
  simulator?: Omit<SimulatorOptions, 'seed' | 'maxTimeMs' | 'impairments'>;
  /** Options every peer gets unless its spec says otherwise. */
  peerDefaults?: PeerSpec['options'];
}

export interface PeerWorld {
  /** The harness world underneath. */
  readonly world: World;
  readonly sim: Simulator;
  readonly seed: number | string;
  readonly server: ChatServer;
  readonly serverHost: SimHost;
  readonly serverAddress: { host: string; port: number };
  readonly room: string;
  /** Peers and their hosts by name, in the order they were added. */
  readonly peers: Map<string, Peer>;
  readonly hosts: Map<string, SimHost>;
  peer(name: string): Peer;
  host(name: string): SimHost;
  /** Where `name`'s share folder lives on its host. */
  folderOf(name: string): string;
  /** Runs the simulation until `promise` settles. */
  run<T>(promise: Promise<T>): Promise<T>;
  /** Adds a host and a peer after the start; it enters the room unless `enter` is false. */
  addPeer(spec: string | PeerSpec): Promise<Peer>;
  /** Brings a peer into the room (after `enter: false`). */
  enter(name: string): Promise<void>;
  /** Files on `name`'s host in `dir` (default its folder), hidden temp files included. */
  listFiles(name: string, dir?: string): string[];
  /** Closes every peer and the server, running the simulation until all is quiet. */
  close(): Promise<void>;
}

export async function buildWorld(options: PeerWorldOptions): Promise<PeerWorld> {
  const seed = options.seed ?? 1;
  if (options.t) logReplay(options.t, seed);
  const world = await createWorld({ backend: 'sim', seed, simulator: options.simulator });
  const sim = world.sim!;
  const room = options.room ?? 'chatroom';
  const { server, port } = await world.startServer({
    port: SERVER_PORT,
    settings: options.server,
  });
  const serverHost = world.simHost('server');
  const serverAddress = { host: serverHost.address, port };
  const hosts = new Map<string, SimHost>();
  let roomMade = false;

  const folderOf = (name: string) => `/home/${name}/folder`;

  const enter = async (name: string) => {
    const peer = peerWorld.peer(name);
    await sim.until(peer.connect());
    if (roomMade) {
      await sim.until(peer.join(room, { password: options.password }));
    } else {
      await sim.until(peer.create(room, { password: options.password }));
      roomMade = true;
    }
  };

  const addPeer = async (given: string | PeerSpec) => {
    const spec = typeof given === 'string' ? { name: given } : given;
    if (hosts.has(spec.name)) throw new Error(`peer ${spec.name} exists already`);
    const host = world.simHost(spec.name);
    if (options.profile) {
      for (const other of [serverHost, ...hosts.values()])
        sim.connect(host, other, options.profile);
    }
    hosts.set(spec.name, host);
    const folder = folderOf(spec.name);
    // The simulator's files directly: no I/O events, so building adds nothing to the trace.
    host.files.mkdir(folder);
    for (const [file, data] of Object.entries(spec.files ?? {})) {
      host.files.write(`${folder}/${file}`, data);
    }
    const peer = world.createPeer(spec.name, {
      folder,
      ...options.peerDefaults,
      ...spec.options,
    });
    if (spec.enter !== false) await enter(spec.name);
    return peer;
  };

  const peerWorld: PeerWorld = {
    world,
    sim,
    seed,
    server,
    serverHost,
    serverAddress,
    room,
    peers: world.peers,
    hosts,
    peer(name) {
      const peer = world.peers.get(name);
      if (!peer) throw new Error(`no peer named ${name}`);
      return peer;
    },
    host(name) {
      const host = hosts.get(name);
      if (!host) throw new Error(`no host named ${name}`);
      return host;
    },
    folderOf,
    run: (promise) => sim.until(promise),
    addPeer,
    enter,
    listFiles(name, dir = folderOf(name)) {
      return peerWorld
        .host(name)
        .files.list(dir)
        .map((entry) => entry.name);
    },
    async close() {
      for (const [name, peer] of world.peers) {
        if (!peerWorld.host(name).crashed) await sim.until(peer.close());
      }
      if (!serverHost.crashed) await sim.until(server.close());
      await sim.run();
    },
  };

  for (const spec of options.peers) await addPeer(spec);
  return peerWorld;
}
