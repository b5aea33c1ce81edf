/**
 * The chat server on real TCP loopback, driven by a raw line client written directly on
 * node:net (no project code on the client side), doing what the 2016 report's screenshots do.
 * Every wait is for a line or a close, never for time.
 */
import * as net from 'node:net';
import test from 'ava';
import { type ChatLimits, ChatServer } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

class RawClient {
  readonly lines: string[] = [];
  readonly socket: net.Socket;
  #read = 0;
  #buffer = '';
  #wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const parts = (this.#buffer + text).split('\n');
      this.#buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.#wake?.();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  type(line: string): void {
    this.socket.write(`${line}\n`);
  }

  async next(): Promise<string> {
    while (this.#read >= this.lines.length) {
      if (this.socket.destroyed) throw new Error(`closed after ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    return this.lines[this.#read++];
  }

  async take(count: number): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(await this.next());
    return lines;
  }

  /** Types a line and returns the next `count` lines the server sends. */
  async say(line: string, count = 1): Promise<string[]> {
    this.type(line);
    return this.take(count);
  }
}

async function startServer(port = 0, limits: Partial<ChatLimits> = {}) {
  const server = new ChatServer({ platform: createNodePlatform(), port, ...limits });
  const address = await server.listen();
  return { server, port: address.port };
}

test('the 2016 screenshots over real TCP: create, join, whohas, getfile, get_rooms, get_peers', async (t) => {
  const { server, port } = await startServer();
  const eswar = await RawClient.connect(port);
  t.deepEqual(await eswar.take(1), ['OK|Welcome to whohas. Please enter your username']);
  t.deepEqual(await eswar.say('eswar'), [
    'OK|Username eswar accepted. Send create/join a chatroom',
  ]);
  t.deepEqual(await eswar.say('create'), ['OK|Specify a chatroom name to create.']);
  t.deepEqual(await eswar.say('chatroom'), [
    'OK|Chatroom chatroom created. Do you want to password protect the room?',
  ]);
  t.deepEqual(await eswar.say('no', 2), [
    'OK|Chatroom has been made public.',
    'OK|Welcome to chatroom. You are all set to pass messages',
  ]);

  const eko = await RawClient.connect(port);
  await eko.take(1);
  t.deepEqual(await eko.say('eko'), ['OK|Username eko accepted. Send create/join a chatroom']);
  t.deepEqual(await eko.say('join', 2), [
    'OK|Here is a list of chatrooms you can join.',
    'ROOMS|chatroom',
  ]);
  t.deepEqual(await eko.say('chatroom', 3), [
    'OK|You have joined chatroom - chatroom',
    'PEERS|eswar',
    'OK|Welcome to chatroom. You are all set to pass messages',
  ]);
  t.is(await eswar.next(), 'INFO|JOINED|eko|New user eko has joined');

  eko.type('@all|whohas|text');
  t.is(await eswar.next(), '#eko|whohas|text');
  eswar.type('@eko|ME');
  t.is(await eko.next(), '#eswar|ME');
  eko.type('@eswar|getfile|text');
  t.is(await eswar.next(), '#eko|getfile|text');
  eswar.type('@eko|127.0.0.1|48181');
  t.is(await eko.next(), '#eswar|127.0.0.1|48181');
  t.deepEqual(await eko.say('@eko|setwindow|32'), ['#me|setwindow|32']);
  t.deepEqual(await eko.say('@server|get_rooms'), ['ROOMS|chatroom']);
  t.deepEqual(await eko.say('@server|get_peers'), ['PEERS|eswar|eko']);

  t.deepEqual(await eko.say('@server|exit'), ['OK|Goodbye eko']);
  await eko.closed;
  t.is(await eswar.next(), 'INFO|LEFT|eko|User eko has left');
  await server.close('test over');
  t.is(await eswar.next(), 'ERROR|SERVER_SHUTDOWN|test over');
  await eswar.closed;
});

test('a whole dialog pasted at once with \\r\\n, then a vanished client', async (t) => {
  const { server, port } = await startServer();
  const a = await RawClient.connect(port);
  a.socket.write('a\r\ncreate\r\nr\r\nyes\r\npw\r\n');
  t.deepEqual((await a.take(7)).at(-1), 'OK|Welcome to r. You are all set to pass messages');
  const b = await RawClient.connect(port);
  b.socket.write('b\njoin\nr\npw\n@a|hi\n');
  t.is(await a.next(), 'INFO|JOINED|b|New user b has joined');
  t.is(await a.next(), '#b|hi');
  b.socket.resetAndDestroy();
  t.is(await a.next(), 'INFO|LEFT|b|User b disconnected');
  await server.close();
});

test('a taken port: the server moves to a later one and says which', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const server = new ChatServer({ platform: createNodePlatform(), port: taken, portTries: 10 });
    const { port } = await server.listen();
    t.true(port > taken && port < taken + 10, `port ${port} after ${taken}`);
    const client = await RawClient.connect(port);
    t.is(await client.next(), 'OK|Welcome to whohas. Please enter your username');
    await server.close();
  } finally {
    blocker.close();
  }
});

test('over real TCP a silent logged-in client is pinged, then dropped; one answering PONG stays', async (t) => {
  const { server, port } = await startServer(0, { pingIdleMs: 150, pingTimeoutMs: 150 });
  const present = await RawClient.connect(port);
  present.socket.write('present\ncreate\nr\nno\n');
  await present.take(6);
  present.socket.on('data', (text: string) => {
    if (text.includes('PING|')) present.type('PONG');
  });
  const silent = await RawClient.connect(port);
  silent.socket.write('silent\njoin\nr\n');
  t.is((await silent.take(7)).at(-1), 'OK|Welcome to r. You are all set to pass messages');
  // Before the keepalive: nothing, for as long as the socket stays open.
  t.is(await silent.next(), 'PING|1');
  t.is(await silent.next(), 'ERROR|PING_TIMEOUT|No reply to PING within 150 ms; disconnecting');
  await silent.closed;
  t.is(
    present.lines.find((line) => line.startsWith('INFO|LEFT')),
    'INFO|LEFT|silent|User silent disconnected',
  );
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.false(present.socket.destroyed);
  t.true(present.lines.filter((line) => line.startsWith('PING|')).length >= 2);
  await server.close();
});

test('over real TCP one address holds at most maxLoginsPerAddress dialogs', async (t) => {
  const { server, port } = await startServer(0, { maxLoginsPerAddress: 3 });
  const parked = await Promise.all([1, 2, 3].map(() => RawClient.connect(port)));
  for (const client of parked) await client.next();
  const fourth = await RawClient.connect(port);
  // Before the cap: a greeting, and so on up to maxConnections.
  t.is(
    await fourth.next(),
    'ERROR|TOO_MANY_CONNECTIONS|3 logins in progress from your address; finish one first',
  );
  await fourth.closed;
  parked[0].socket.write('done\ncreate\nr\nno\n');
  await parked[0].take(5); // logged in: no longer a dialog
  const fifth = await RawClient.connect(port);
  t.is(await fifth.next(), 'OK|Welcome to whohas. Please enter your username');
  await server.close();
});
