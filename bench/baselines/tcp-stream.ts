/**
 * TCP stream on loopback: one process writes as fast as backpressure allows, another counts the
 * bytes that arrive. The kernel does segmentation, ACKs and flow control: the ceiling a
 * user-space Go-Back-N is measured against.
 *
 *   npx tsx bench/baselines/tcp-stream.ts [chunkBytes=65536] [durationMs=2000]
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentChannel } from '../../harness/roles.ts';
import { baselineMain, withReceiverAndSender } from './process.ts';

export interface TcpStreamOptions {
  /** Bytes per write() call. */
  chunkBytes?: number;
  durationMs?: number;
}

export interface TcpStreamResult {
  bytes: number;
  /** First to last byte received. */
  seconds: number;
  bytesPerSecond: number;
}

export async function runTcpStream(options: TcpStreamOptions = {}): Promise<TcpStreamResult> {
  const { chunkBytes = 65_536, durationMs = 2_000 } = options;
  return withReceiverAndSender(
    import.meta.url,
    [],
    [chunkBytes, durationMs],
    async (receiver, sender) => {
      await sender.next();
      await sender.exited;
      const counts = await receiver.next<{ bytes: number; seconds: number }>();
      return { ...counts, bytesPerSecond: counts.bytes / counts.seconds };
    },
  );
}

async function receiverRole(): Promise<void> {
  const parent = parentChannel();
  const server = net.createServer((socket) => {
    let bytes = 0;
    let first = 0;
    let last = 0;
    socket.on('data', (chunk) => {
      last = performance.now();
      if (bytes === 0) first = last;
      bytes += chunk.length;
    });
    socket.on('end', () => {
      parent.send({ bytes, seconds: (last - first) / 1000 });
      server.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  parent.send({ port: (server.address() as net.AddressInfo).port });
}

async function senderRole(port: number, chunkBytes: number, durationMs: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const chunk = Buffer.alloc(chunkBytes, 0x5a);
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  process.stdout.write(`${JSON.stringify({ done: true })}\n`);
}

await baselineMain(
  import.meta.url,
  { receiver: receiverRole, sender: senderRole },
  async ([chunkBytes, durationMs]) => {
    const result = await runTcpStream({
      chunkBytes: Number(chunkBytes ?? 65_536),
      durationMs: Number(durationMs ?? 2_000),
    });
    console.log(
      `TCP stream on loopback: ${(result.bytesPerSecond / 1e6).toFixed(1)} MB/s (${result.bytes} bytes in ${result.seconds.toFixed(2)} s)`,
    );
  },
);
