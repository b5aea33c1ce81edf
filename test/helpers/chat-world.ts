/**
 * A chat server with clients around it, built with the harness world (harness/world.ts) on the
 * simulator (deterministic, virtual time) or on real loopback sockets. `chatTest` runs a test
 * body in a fresh world; on the simulator the whole body runs inside `sim.until`, so every await
 * advances virtual time as far as needed.
 */
import test, { type ExecutionContext } from 'ava';
import type { BackendKind } from '../../harness/backend.ts';
import { LineClient } from '../../harness/line-client.ts';
import type { LoginOptions } from '../../harness/login.ts';
import { createWorld, type World } from '../../harness/world.ts';
import type { ChatServer, ChatServerOptions } from '../../impl/chat/index.ts';
import type { Simulator } from '../../sim/index.ts';
import { logReplay } from './replay.ts';

export type ServerSettings = Omit<ChatServerOptions, 'platform'>;

export interface ChatWorld {
  readonly kind: BackendKind;
  /** The harness world underneath (hosts, faults). */
  readonly world: World;
  readonly server: ChatServer;
  readonly port: number;
  /** The simulator, on 'sim'. */
  readonly sim: Simulator | undefined;
  /** A new client connected to the server (each on its own host). */
  connect(): Promise<LineClient>;
  /** connect() and a completed login, every reply checked. */
  login(name: string, room: string, options?: LoginOptions): Promise<LineClient>;
  /** Lets `ms` pass on the server's clock (virtual time on the simulator). */
  sleep(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * A chat server on host `server` (bound to every address on the simulator, loopback on real
 * sockets) and nothing else yet.
 */
export async function chatWorld(
  kind: BackendKind,
  settings: ServerSettings = {},
  seed = 1,
): Promise<ChatWorld> {
  const world = await createWorld({ backend: kind, seed });
  const { port, portTries, ...rest } = settings;
  const {
    server,
    host: serverHost,
    port: listening,
  } = await world.startServer({
    port,
    portTries,
    settings: kind === 'sim' ? { host: '0.0.0.0', ...rest } : rest,
  });
  let clients = 0;
  const chat: ChatWorld = {
    kind,
    world,
    server,
    port: listening,
    sim: world.sim,
    // Not world.connect: on the simulator the test body already runs inside `sim.until`.
    connect: async () => {
      const name = `client${++clients}`;
      const host = world.host(kind === 'sim' ? name : 'clients');
      const client = await LineClient.connect(host.platform, listening, serverHost.address, name);
      world.connections.push(client);
      return client;
    },
    login: async (name, room, options) => {
      const client = await chat.connect();
      await client.login(name, room, options);
      return client;
    },
    sleep: (ms) =>
      new Promise((resolve) => serverHost.platform.clock.setTimeout(() => resolve(), ms)),
    teardown: () => world.dispose([], 'test over'),
  };
  return chat;
}

/** eswar creates `chatroom`, eko joins (eswar's join notice consumed); bob is alone in private `other`. */
export async function threeUsers(world: ChatWorld) {
  const eswar = await world.login('eswar', 'chatroom', { create: true });
  const eko = await world.login('eko', 'chatroom');
  await eswar.next();
  const bob = await world.login('bob', 'other', { create: true, password: 'pw' });
  return { eswar, eko, bob };
}

export type ChatBody = (t: ExecutionContext, world: ChatWorld) => Promise<void>;

/** Runs a body on a fresh simulated world; a failure logs the seed and the replay command. */
export const onSim = test.macro<[ChatBody, ServerSettings?, number?]>(
  async (t, body, settings = {}, seed = 1) => {
    logReplay(t, seed);
    const world = await chatWorld('sim', settings, seed);
    try {
      await world.sim!.until(body(t, world));
    } finally {
      await world.teardown();
    }
  },
);

/** Runs a body on real loopback sockets. */
export const onNode = test.macro<[ChatBody, ServerSettings?]>(async (t, body, settings = {}) => {
  const world = await chatWorld('real', settings);
  try {
    await body(t, world);
  } finally {
    await world.teardown();
  }
});
