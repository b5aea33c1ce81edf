/**
 * The 2016 client's framing (docs/PROTOCOL.md, "Lines"): the original Python 2 client sends each
 * message as one TCP write without a newline and waits for the answer. On a connection that never
 * sent '\n', an unterminated read followed by `unterminatedQuietMs` of silence is one line; once a
 * connection sent '\n', only newlines end its lines.
 */
import * as net from 'node:net';
import test from 'ava';
import type { LineClient } from '../../harness/line-client.ts';
import { ChatServer, DEFAULT_LIMITS } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { type ChatWorld, onSim } from '../helpers/chat-world.ts';

/**
 * A client in the style of the 2016 Python 2 one, written for this test: `sock.send(msg)` with no
 * newline, then it waits for the server's answer before typing the next message (the pause of a
 * person at the keyboard, longer than the quiet time).
 */
class Client2016 {
  constructor(
    readonly line: LineClient,
    readonly world: ChatWorld,
  ) {}

  /** One unterminated write, then `count` answer lines. */
  async send(message: string, count = 1): Promise<string[]> {
    this.line.sendRaw(message);
    return this.line.take(count);
  }

  async pause(ms: number): Promise<void> {
    await this.world.sleep(ms);
  }
}

test(
  'a 2016-style client that never sends a newline logs in, creates a room and chats',
  onSim,
  async (t, world) => {
    const started = world.sim!.now;
    const eswar = new Client2016(await world.connect(), world);
    t.is(await eswar.line.next(), 'OK|Welcome to whohas. Please enter your username');
    t.deepEqual(await eswar.send('eswar'), [
      'OK|Username eswar accepted. Send create/join a chatroom',
    ]);
    await eswar.pause(1_000);
    t.deepEqual(await eswar.send('create'), ['OK|Specify a chatroom name to create.']);
    await eswar.pause(1_000);
    t.deepEqual(await eswar.send('chatroom'), [
      'OK|Chatroom chatroom created. Do you want to password protect the room?',
    ]);
    t.deepEqual(await eswar.send('no', 2), [
      'OK|Chatroom has been made public.',
      'OK|Welcome to chatroom. You are all set to pass messages',
    ]);
    // A whohas user (newline-framed) joins and they talk both ways.
    const eko = await world.login('eko', 'chatroom');
    t.is(await eswar.line.next(), 'INFO|JOINED|eko|New user eko has joined');
    eswar.line.sendRaw('@eko|hello from 2016');
    t.is(await eko.next(), '#eswar|hello from 2016');
    eko.send('@eswar|hi back');
    t.is(await eswar.line.next(), '#eko|hi back');
    // Four answers and a message, each taken after the quiet time: far from the 60 s deadline.
    t.true(world.sim!.now - started < 10_000);
  },
);

test(
  'writes within the quiet time join into one line; the silence after them ends it',
  onSim,
  async (t, world) => {
    const client = await world.connect();
    await client.next();
    client.sendRaw('es');
    await world.sleep(DEFAULT_LIMITS.unterminatedQuietMs / 2);
    client.sendRaw('war');
    t.is(await client.next(), 'OK|Username eswar accepted. Send create/join a chatroom');
  },
);

test(
  'a connection that sent a newline once is framed by newlines only, however long it pauses',
  onSim,
  async (t, world) => {
    const client = await world.connect();
    await client.next();
    client.send('eswar');
    t.is(await client.next(), 'OK|Username eswar accepted. Send create/join a chatroom');
    client.sendRaw('cre');
    await world.sleep(DEFAULT_LIMITS.unterminatedQuietMs * 10);
    t.deepEqual(client.unread, [], 'the half line was not taken as an answer');
    client.sendRaw('ate\n');
    t.is(await client.next(), 'OK|Specify a chatroom name to create.');
  },
);

test('a raw node:net socket writing unterminated messages logs in on real loopback', async (t) => {
  const server = new ChatServer({ platform: createNodePlatform(), port: 0 });
  const { port } = await server.listen();
  const socket = net.connect(port, '127.0.0.1');
  try {
    socket.setEncoding('utf8');
    let received = '';
    const lines = async (count: number): Promise<string[]> => {
      for (let i = 0; i < 200 && received.split('\n').length <= count; i++) {
        await new Promise((resolve) => socket.once('data', resolve));
      }
      const all = received.split('\n');
      received = all.slice(count).join('\n');
      return all.slice(0, count);
    };
    socket.on('data', (text: string) => {
      received += text;
    });
    t.deepEqual(await lines(1), ['OK|Welcome to whohas. Please enter your username']);
    socket.write('eswar');
    t.deepEqual(await lines(1), ['OK|Username eswar accepted. Send create/join a chatroom']);
    socket.write('create');
    t.deepEqual(await lines(1), ['OK|Specify a chatroom name to create.']);
  } finally {
    socket.destroy();
    await server.close();
  }
});
