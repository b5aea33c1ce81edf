/**
 * A chat server with clients around it, on the simulator (deterministic, virtual time) or on
 * real loopback sockets. `chatTest` runs a test body in a fresh world; on the simulator the
 * whole body runs inside `sim.until`, so every await advances virtual time as far as needed.
 */
import test, { type ExecutionContext } from 'ava';
import { LineClient } from '../../harness/line-client.ts';
import type { LoginOptions } from '../../harness/login.ts';
import { ChatServer, type ChatServerOptions } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import type { Platform } from '../../impl/platform/types.ts';
import { Simulator } from '../../sim/index.ts';
import { logReplay } from './replay.ts';

export type ServerSettings = Omit<ChatServerOptions, 'platform'>;

export interface ChatWorld {
  readonly kind: 'node' | 'sim';
  readonly server: ChatServer;
  readonly port: number;
  /** The simulator, on 'sim'. */
  readonly sim: Simulator | undefined;
  /** A new client connected to the server (each on its own host on the simulator). */
  connect(): Promise<LineClient>;
  /** connect() and a completed login. */
  login(name: string, room: string, options?: LoginOptions): Promise<LineClient>;
  /** Lets `ms` pass on the server's clock (virtual time on the simulator). */
  sleep(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

export async function simWorld(settings: ServerSettings = {}, seed = 1): Promise<ChatWorld> {
  const sim = new Simulator({ seed });
  const serverHost = sim.addHost('server');
  const server = new ChatServer({
    port: 50000,
    host: '0.0.0.0',
    ...settings,
    platform: serverHost.platform,
  });
  const { port } = await sim.until(server.listen());
  let clients = 0;
  const world: ChatWorld = {
    kind: 'sim',
    server,
    port,
    sim,
    connect: () => {
      const host = sim.addHost(`client${++clients}`);
      return LineClient.connect(host.platform, port, serverHost.address);
    },
    login: async (name, room, options) => {
      const client = await world.connect();
      await client.login(name, room, options);
      return client;
    },
    sleep: (ms) => sleepOn(serverHost.platform, ms),
    teardown: async () => {
      await sim.until(server.close('test over'));
    },
  };
  return world;
}

export async function nodeWorld(settings: ServerSettings = {}): Promise<ChatWorld> {
  const platform = createNodePlatform();
  const server = new ChatServer({ port: 0, ...settings, platform });
  const { port } = await server.listen();
  const clients: LineClient[] = [];
  const world: ChatWorld = {
    kind: 'node',
    server,
    port,
    sim: undefined,
    connect: async () => {
      const client = await LineClient.connect(platform, port);
      clients.push(client);
      return client;
    },
    login: async (name, room, options) => {
      const client = await world.connect();
      await client.login(name, room, options);
      return client;
    },
    sleep: (ms) => sleepOn(platform, ms),
    teardown: async () => {
      for (const client of clients) client.socket.destroy();
      await server.close('test over');
    },
  };
  return world;
}

/** eswar creates `chatroom`, eko joins (eswar's join notice consumed); bob is alone in private `other`. */
export async function threeUsers(world: ChatWorld) {
  const eswar = await world.login('eswar', 'chatroom', { create: true });
  const eko = await world.login('eko', 'chatroom');
  await eswar.next();
  const bob = await world.login('bob', 'other', { create: true, password: 'pw' });
  return { eswar, eko, bob };
}

function sleepOn(platform: Platform, ms: number): Promise<void> {
  return new Promise((resolve) => platform.clock.setTimeout(resolve, ms));
}

export type ChatBody = (t: ExecutionContext, world: ChatWorld) => Promise<void>;

/** Runs a body on a fresh simulated world; a failure logs the seed and the replay command. */
export const onSim = test.macro<[ChatBody, ServerSettings?, number?]>(
  async (t, body, settings = {}, seed = 1) => {
    logReplay(t, seed);
    const world = await simWorld(settings, seed);
    try {
      await world.sim!.until(body(t, world));
    } finally {
      await world.teardown();
    }
  },
);

/** Runs a body on real loopback sockets. */
export const onNode = test.macro<[ChatBody, ServerSettings?]>(async (t, body, settings = {}) => {
  const world = await nodeWorld(settings);
  try {
    await body(t, world);
  } finally {
    await world.teardown();
  }
});
