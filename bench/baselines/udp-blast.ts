/**
 * Raw UDP blast on loopback: one process sends datagrams of a given size as fast as node:dgram
 * lets it, another counts what arrives. The receiver's rate is the ceiling any UDP protocol in
 * Node can reach on this machine at that datagram size.
 *
 *   npx tsx bench/baselines/udp-blast.ts [datagramBytes=2048] [durationMs=2000]
 */
import * as dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentChannel } from '../../harness/roles.ts';
import { baselineMain, withReceiverAndSender } from './process.ts';

export interface UdpBlastOptions {
  datagramBytes: number;
  /** How long the sender blasts. */
  durationMs?: number;
  /**
   * Pass a completion callback to every `send` (as code that must know when a buffer is free
   * does): libuv then reports each datagram back to JavaScript, which costs a third or more.
   */
  callbacks?: boolean;
}

export interface UdpBlastResult {
  datagramBytes: number;
  sent: number;
  received: number;
  /** First to last datagram received. */
  seconds: number;
  datagramsPerSecond: number;
  bytesPerSecond: number;
  /** Share of sent datagrams that never arrived (socket buffer overflow). */
  lossRate: number;
}

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
const BATCH = 32;

export async function runUdpBlast(options: UdpBlastOptions): Promise<UdpBlastResult> {
  const { datagramBytes, durationMs = 2_000, callbacks = false } = options;
  return withReceiverAndSender(
    import.meta.url,
    [],
    [datagramBytes, durationMs, callbacks ? 1 : 0],
    async (receiver, sender) => {
      const { sent } = await sender.next<{ sent: number }>();
      await sender.exited;
      receiver.send({ stop: true });
      const counts = await receiver.next<{ received: number; bytes: number; seconds: number }>();
      return {
        datagramBytes,
        sent,
        received: counts.received,
        seconds: counts.seconds,
        datagramsPerSecond: counts.received / counts.seconds,
        bytesPerSecond: counts.bytes / counts.seconds,
        lossRate: sent > 0 ? 1 - counts.received / sent : 0,
      };
    },
  );
}

async function receiverRole(): Promise<void> {
  const parent = parentChannel();
  const socket = dgram.createSocket('udp4');
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  socket.on('message', (msg) => {
    last = performance.now();
    if (received === 0) first = last;
    received++;
    bytes += msg.length;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
  parent.send({ port: socket.address().port });
  await parent.next();
  // The first datagram opens the interval, so it does not count towards the rate.
  const seconds = (last - first) / 1000;
  parent.send({ received: received - 1, bytes: bytes - bytes / Math.max(received, 1), seconds });
  socket.close();
}

async function senderRole(
  port: number,
  datagramBytes: number,
  durationMs: number,
  callbacks: number,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  socket.on('error', () => {}); // ENOBUFS under overload: that datagram is lost, as it should be
  const payload = Buffer.alloc(datagramBytes, 0x5a);
  let sent = 0;
  let completed = 0;
  const onSent = () => {
    completed++;
  };
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    if (callbacks) {
      for (let i = 0; i < BATCH; i++) socket.send(payload, port, '127.0.0.1', onSent);
    } else {
      for (let i = 0; i < BATCH; i++) socket.send(payload, port, '127.0.0.1');
    }
    sent += BATCH;
    // Let libuv flush the batch before queueing more.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write(`${JSON.stringify({ sent, completed })}\n`);
  socket.close();
}

await baselineMain(
  import.meta.url,
  { receiver: receiverRole, sender: senderRole },
  async ([datagramBytes, durationMs]) => {
    const result = await runUdpBlast({
      datagramBytes: Number(datagramBytes ?? 2048),
      durationMs: Number(durationMs ?? 2000),
      callbacks: process.argv.includes('--callbacks'),
    });
    console.log(
      `UDP blast${process.argv.includes('--callbacks') ? ' with a callback per send' : ''}, ${result.datagramBytes}-byte datagrams: ${(result.bytesPerSecond / 1e6).toFixed(1)} MB/s, ` +
        `${Math.round(result.datagramsPerSecond)} datagrams/s received, loss ${(result.lossRate * 100).toFixed(1)} %`,
    );
  },
);
