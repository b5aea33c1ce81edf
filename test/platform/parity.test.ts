/**
 * Parity suite, sockets: each behaviour runs once per platform fixture (real Node on loopback,
 * and the simulator). Assertions wait for events, never for time.
 */
import { createHash } from 'node:crypto';
import type {
  RemoteInfo,
  StreamServer,
  StreamSocket,
  SystemError,
} from '../../impl/platform/types.ts';
import { nextEvent, parityTests, patternBytes } from '../helpers/platforms.ts';

/** A server on `b` that hands each accepted socket to `onSocket`. */
function serve(server: StreamServer, onSocket: (socket: StreamSocket, index: number) => void) {
  let accepted = 0;
  server.on('connection', (socket) => onSocket(socket, accepted++));
}

function echo(socket: StreamSocket): void {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('end', () => socket.end());
  socket.on('error', () => {});
}

/** Reads and drops everything, so the socket notices its peer going away and closes. */
function drain(socket: StreamSocket): void {
  socket.on('data', () => {});
  socket.on('error', () => {});
}

/** Records events in order; consecutive 'data' events count once (chunking is arbitrary). */
function recordEvents(socket: StreamSocket): { events: string[]; closed: Promise<unknown> } {
  const events: string[] = [];
  socket.on('data', () => {
    if (events.at(-1) !== 'data') events.push('data');
  });
  socket.on('end', () => events.push('end'));
  socket.on('error', (error) => events.push(`error:${error.message}`));
  const closed = new Promise((resolve) =>
    socket.on('close', (hadError) => resolve(events.push(`close:${hadError}`))),
  );
  return { events, closed };
}

parityTests({
  'stream echo returns every byte in order, across many chunks': async (t, world) => {
    const { a, b, addressOf } = world;
    const server = b.net.createServer();
    serve(server, echo);
    const { port } = await server.listen(0, addressOf(b));
    t.not(port, 0);
    t.deepEqual(server.address(), { address: addressOf(b), port });
    const client = await a.net.connect(port, addressOf(b));
    t.is(client.remoteAddress, addressOf(b));
    t.is(client.remotePort, port);
    t.is(client.localAddress, addressOf(a));
    const received: Buffer[] = [];
    client.on('data', (chunk) => received.push(chunk));
    const ended = nextEvent(client, 'end');
    const closed = nextEvent(client, 'close');

    const greeting = 'grüße|@all\n';
    const payload = patternBytes(1_000_000, 1);
    client.write(greeting);
    for (let at = 0, i = 0; at < payload.length; i++) {
      const size = 1 + ((i * 7919) % 9000);
      client.write(payload.subarray(at, at + size));
      at += size;
    }
    client.end();
    await ended;
    t.true(Buffer.concat(received).equals(Buffer.concat([Buffer.from(greeting), payload])));
    t.deepEqual(await closed, [false]);
    t.true(client.destroyed);
    await server.close();
  },

  'connecting to a port nobody listens on rejects with ECONNREFUSED': async (t, world) => {
    const { a, b, addressOf } = world;
    const server = b.net.createServer();
    const { port } = await server.listen(0, addressOf(b));
    await server.close();
    t.is(server.address(), null);
    await t.throwsAsync(a.net.connect(port, addressOf(b)), { code: 'ECONNREFUSED' });
  },

  'listening on a taken port rejects with EADDRINUSE; the server can listen again': async (
    t,
    world,
  ) => {
    const { b, addressOf } = world;
    const first = b.net.createServer();
    const { port } = await first.listen(0, addressOf(b));
    const second = b.net.createServer();
    let errorEvents = 0;
    second.on('error', () => errorEvents++);
    await t.throwsAsync(second.listen(port, addressOf(b)), { code: 'EADDRINUSE' });
    t.is(errorEvents, 0, 'a failed listen rejects its promise, it does not also emit error');
    const retry = await second.listen(0, addressOf(b));
    t.not(retry.port, port);
    await first.close();
    await second.close();
  },

  'closing a server refuses new connections and leaves accepted ones working': async (t, world) => {
    const { a, b, addressOf } = world;
    const server = b.net.createServer();
    serve(server, echo);
    const { port } = await server.listen(0, addressOf(b));
    const client = await a.net.connect(port, addressOf(b));
    await server.close();
    await t.throwsAsync(a.net.connect(port, addressOf(b)), { code: 'ECONNREFUSED' });
    const reply = nextEvent(client, 'data');
    client.write('still here');
    t.is((await reply)[0].toString(), 'still here');
    const closed = nextEvent(client, 'close');
    client.end();
    t.deepEqual(await closed, [false]);
  },

  "end(): the peer sees 'end' then 'close', later writes are dropped": async (t, world) => {
    const { a, b, addressOf } = world;
    const server = b.net.createServer();
    const accepted = new Promise<StreamSocket>((resolve) => serve(server, resolve));
    const { port } = await server.listen(0, addressOf(b));
    const client = await a.net.connect(port, addressOf(b));
    const serverSide = await accepted;
    const serverLog = recordEvents(serverSide);
    const received: Buffer[] = [];
    serverSide.on('data', (chunk) => received.push(chunk));
    const clientLog = recordEvents(client);

    client.write('bye');
    client.end();
    t.false(client.write('late'));
    await serverLog.closed;
    await clientLog.closed;
    t.is(Buffer.concat(received).toString(), 'bye');
    t.deepEqual(serverLog.events, ['data', 'end', 'close:false']);
    t.deepEqual(clientLog.events, ['end', 'close:false']);
    t.true(serverSide.destroyed);
    await server.close();
  },

  "destroy(error): 'error' with that error, then 'close' with hadError": async (t, world) => {
    const { a, b, addressOf } = world;
    const server = b.net.createServer();
    serve(server, drain);
    const { port } = await server.listen(0, addressOf(b));
    const client = await a.net.connect(port, addressOf(b));
    const log = recordEvents(client);
    client.destroy(new Error('given up'));
    await log.closed;
    t.deepEqual(log.events, ['error:given up', 'close:true']);
    t.true(client.destroyed);
    t.false(client.write('after destroy'));
    await server.close();
  },

  'datagram echo: payloads intact, rinfo names the true sender': async (t, world) => {
    const { a, b, addressOf } = world;
    const echoer = b.dgram.createSocket();
    // Buffer sizes may be asked for before bind; they apply once the socket is bound.
    echoer.setRecvBufferSize(1 << 20);
    echoer.setSendBufferSize(1 << 20);
    const seen: RemoteInfo[] = [];
    echoer.on('message', (msg, rinfo) => {
      seen.push(rinfo);
      echoer.send(msg, rinfo.port, rinfo.address);
    });
    const there = await echoer.bind(0, addressOf(b));
    t.not(there.port, 0);
    t.deepEqual(echoer.address(), { address: addressOf(b), port: there.port });
    const client = a.dgram.createSocket();
    const here = await client.bind(0, addressOf(a));
    client.setRecvBufferSize(1 << 20);

    const sizes = [1, 100, 1400];
    for (const size of sizes) {
      const payload = patternBytes(size, size);
      const reply = nextEvent(client, 'message');
      client.send(payload, there.port, addressOf(b));
      const [msg, rinfo] = await reply;
      t.true(msg.equals(payload));
      t.deepEqual(rinfo, { address: addressOf(b), port: there.port, size });
    }
    t.deepEqual(
      seen,
      sizes.map((size) => ({ address: addressOf(a), port: here.port, size })),
    );
    await client.close();
    await echoer.close();
  },

  'datagram failures: EMSGSIZE to the send callback, EADDRINUSE from bind': async (t, world) => {
    const { a, b, addressOf } = world;
    const socket = a.dgram.createSocket();
    await socket.bind(0, addressOf(a));
    const sent = new Promise<SystemError | null>((resolve) =>
      socket.send(Buffer.alloc(70_000), 9, addressOf(b), resolve),
    );
    t.is((await sent)?.code, 'EMSGSIZE');
    const rival = a.dgram.createSocket();
    await t.throwsAsync(rival.bind(socket.address().port, addressOf(a)), { code: 'EADDRINUSE' });
    const closed = nextEvent(socket, 'close');
    await socket.close();
    await closed;
    await socket.close();
    await rival.close();
  },

  'backpressure: a paused reader backs writes up, resume brings drain, no byte lost': async (
    t,
    world,
  ) => {
    const { a, b, addressOf } = world;
    // Far more than kernel socket buffers hold for a reader that never reads (its receive
    // window only grows when it reads), so some bytes must wait in writableLength.
    const total = 16 * 1024 * 1024;
    const chunk = 64 * 1024;
    const server = b.net.createServer();
    const sinkHash = createHash('sha256');
    let sinkBytes = 0;
    let sinkEnded: Promise<unknown> = Promise.resolve();
    const sink = new Promise<StreamSocket>((resolve) =>
      serve(server, (socket, index) => {
        if (index > 0) return echo(socket);
        socket.on('data', (data) => {
          sinkBytes += data.length;
          sinkHash.update(data);
        });
        socket.pause();
        sinkEnded = nextEvent(socket, 'end');
        resolve(socket);
      }),
    );
    const { port } = await server.listen(0, addressOf(b));
    const writer = await a.net.connect(port, addressOf(b));
    const reader = await sink;
    let drains = 0;
    writer.on('drain', () => drains++);

    const sentHash = createHash('sha256');
    let refusedAt = -1;
    for (let at = 0; at < total; at += chunk) {
      const piece = patternBytes(chunk, at / chunk);
      sentHash.update(piece);
      if (!writer.write(piece) && refusedAt < 0) refusedAt = at;
    }
    t.true(refusedAt >= 0, 'write() returned false past the high-water mark');

    // A round trip on a second connection lets the first one make whatever progress it can.
    const probe = await a.net.connect(port, addressOf(b));
    const pong = nextEvent(probe, 'data');
    probe.write('ping');
    t.is((await pong)[0].toString(), 'ping');
    t.is(sinkBytes, 0, 'a paused socket emits no data');
    t.is(drains, 0, 'no drain while the reader is paused');
    t.true(writer.writableLength > 0);

    const drained = nextEvent(writer, 'drain');
    reader.resume();
    await drained;
    writer.end();
    await sinkEnded;
    t.is(sinkBytes, total);
    t.is(sinkHash.digest('hex'), sentHash.digest('hex'));
    writer.destroy();
    probe.destroy();
    await server.close();
  },
});
