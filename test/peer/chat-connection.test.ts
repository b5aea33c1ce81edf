import test, { type ExecutionContext } from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import {
  AUTOMATIC_OUTBOX_BYTES,
  ChatConnection,
  MAX_OUTBOX_BYTES,
} from '../../impl/peer/chat-connection.ts';
import type { StreamSocket } from '../../impl/platform/types.ts';
import { HIGH_WATER_MARK, Simulator } from '../../sim/index.ts';
import { logReplay } from '../helpers/replay.ts';

/**
 * A ChatConnection to a server that accepts it and reads nothing until `startReading()`, so
 * everything the connection writes backs up on its side.
 */
async function toDeafServer(t: ExecutionContext, seed: number) {
  logReplay(t, seed);
  const sim = new Simulator({ seed });
  const serverHost = sim.addHost('server');
  const peerHost = sim.addHost('peer');
  const server = serverHost.platform.net.createServer();
  const accepted = new Promise<StreamSocket>((resolve) => server.on('connection', resolve));
  await sim.until(server.listen(50000, serverHost.address));
  const socket = await sim.until(peerHost.platform.net.connect(50000, serverHost.address));
  const serverEnd = await sim.until(accepted);
  const chunks: Buffer[] = [];
  let ended = false;
  return {
    sim,
    socket,
    connection: new ChatConnection(socket),
    async startReading(): Promise<void> {
      serverEnd.on('data', (chunk) => chunks.push(chunk));
      serverEnd.on('end', () => {
        ended = true;
      });
      await sim.runUntil(sim.now + 1000);
    },
    /** Complete lines the server has read, in order. */
    received: () => Buffer.concat(chunks).toString().split('\n').slice(0, -1),
    ended: () => ended,
  };
}

const line = (i: number) => `@all|line ${i}|${'x'.repeat(1000)}`;

test('past write() returning false lines wait for drain; past the cap a user line fails with OUTBOX_FULL', async (t) => {
  const deaf = await toDeafServer(t, 61);
  const { connection, socket, sim } = deaf;
  const sent: string[] = [];
  let refusal: unknown;
  let mostInSocket = 0;
  for (let i = 0; i < 1000 && refusal === undefined; i++) {
    try {
      if (connection.send(line(i))) sent.push(line(i));
    } catch (error) {
      refusal = error;
    }
    mostInSocket = Math.max(mostInSocket, socket.writableLength);
    t.true(connection.outboxBytes <= MAX_OUTBOX_BYTES, `outbox ${connection.outboxBytes}`);
    await sim.runUntil(sim.now + 1);
  }
  t.true(isWhohasError(refusal, 'OUTBOX_FULL'), String(refusal));
  t.regex((refusal as Error).message, /has not read our last \d+ bytes \(limit 65536\)/);
  // The socket's own buffer stays at its high-water mark: the rest waits in the bounded queue.
  t.true(mostInSocket <= HIGH_WATER_MARK + line(0).length + 1, `socket held ${mostInSocket}`);
  t.false(connection.sendAutomatic('@eko|have|text|5|10.0.0.2'));
  t.is(connection.droppedLines, 1);

  await deaf.startReading();
  t.deepEqual(deaf.received(), sent);
  t.is(connection.outboxBytes, 0);
  t.true(connection.send('@all|after'));
  await sim.runUntil(sim.now + 100);
  t.is(deaf.received().at(-1), '@all|after');
});

test('automatic lines stop at half the outbox, so the user still has room for its own', async (t) => {
  const deaf = await toDeafServer(t, 62);
  const { connection, sim } = deaf;
  const sent: string[] = [];
  for (let i = 0; connection.sendAutomatic(line(i)); i++) {
    sent.push(line(i));
    await sim.runUntil(sim.now + 1);
  }
  t.true(connection.outboxBytes <= AUTOMATIC_OUTBOX_BYTES);
  t.is(connection.droppedLines, 1);
  t.true(connection.send('@all|mine'));
  sent.push('@all|mine');
  await deaf.startReading();
  t.deepEqual(deaf.received(), sent);
  t.is(connection.droppedLines, 1);
});

test('end() sends the lines still waiting for drain before it closes', async (t) => {
  const deaf = await toDeafServer(t, 63);
  const { connection, socket, sim } = deaf;
  const sent: string[] = [];
  for (let i = 0; connection.outboxBytes <= socket.writableLength; i++) {
    connection.send(line(i));
    sent.push(line(i));
  }
  connection.end();
  t.false(connection.send('@all|too late'));
  t.false(connection.closed);
  await deaf.startReading();
  t.deepEqual(deaf.received(), sent);
  t.true(deaf.ended());
  await sim.run();
  t.true(connection.closed);
});
