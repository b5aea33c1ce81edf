/**
 * Raw windowed exchange on loopback: the least any window-limited protocol over node:dgram must
 * do. One process sends datagrams numbered 0..count-1 with at most `window` unacknowledged; the
 * other acknowledges cumulatively at the end of each receive burst (setImmediate) once `ackEvery`
 * are new, as Go-Back-N does by default. No checksum, no file, no hash, no loss handling (loopback
 * with large socket buffers loses nothing at these windows): what is left is the cost of
 * datagrams and wake-ups. The gap between this and the raw blast is the price of the window; the
 * gap between Go-Back-N and this is Go-Back-N's own work.
 *
 *   npx tsx bench/baselines/udp-window.ts [window=16] [datagramBytes=2048] [count=10709]
 */
import * as dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parentChannel } from '../../harness/roles.ts';
import { baselineMain, withReceiverAndSender } from './process.ts';

export interface UdpWindowOptions {
  window: number;
  datagramBytes: number;
  /** Datagrams timed: 10,709 carry the 2016 file at 2048 bytes (2,032 of payload each). */
  count?: number;
  /** Datagrams sent before the timed ones, so both processes run warm code (default 2 × count). */
  warmup?: number;
  /** Acknowledge once this many are new (capped at half the window), at the end of a burst. */
  ackEvery?: number;
}

export interface UdpWindowResult {
  window: number;
  datagramBytes: number;
  count: number;
  seconds: number;
  datagramsPerSecond: number;
  bytesPerSecond: number;
  acks: number;
}

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export async function runUdpWindow(options: UdpWindowOptions): Promise<UdpWindowResult> {
  const { window, datagramBytes, count = 10_709, ackEvery = 4 } = options;
  const warmup = options.warmup ?? 2 * count;
  const every = Math.min(ackEvery, Math.max(1, window >> 1));
  const total = String(warmup + count);
  return withReceiverAndSender(
    import.meta.url,
    [total, every, warmup],
    [window, datagramBytes, total],
    async (receiver, sender) => {
      // Nothing is retransmitted: a datagram lost anyway would stall the exchange, so it has a limit.
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('window exchange stalled (lost datagram?)')),
          30_000,
        );
      });
      const { seconds, acks } = await Promise.race([
        receiver.next<{ seconds: number; acks: number }>(),
        limit,
      ]).finally(() => clearTimeout(timer));
      await sender.exited;
      return {
        window,
        datagramBytes,
        count,
        seconds,
        datagramsPerSecond: count / seconds,
        bytesPerSecond: (count * datagramBytes) / seconds,
        acks,
      };
    },
  );
}

async function receiverRole(count: number, ackEvery: number, warmup: number): Promise<void> {
  const parent = parentChannel();
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
  const ack = Buffer.alloc(16);
  let next = 0;
  let unacked = 0;
  let acks = 0;
  let deferred = false;
  let peerPort = 0;
  let started = 0;
  const sendAck = () => {
    deferred = false;
    if (unacked === 0) return;
    unacked = 0;
    acks++;
    ack.writeUInt32BE(next, 0);
    socket.send(ack, peerPort, '127.0.0.1');
  };
  const finished = new Promise<number>((resolve) => {
    socket.on('message', (msg, rinfo) => {
      const seq = msg.readUInt32BE(0);
      if (seq !== next) return;
      if (seq === 0) peerPort = rinfo.port;
      if (seq === warmup) {
        started = performance.now();
        acks = 0;
      }
      next++;
      if (next === count) {
        unacked = 1;
        sendAck();
        resolve(performance.now());
      } else if (++unacked >= ackEvery && !deferred) {
        deferred = true;
        setImmediate(sendAck);
      }
    });
  });
  parent.send({ port: socket.address().port });
  const ended = await finished;
  parent.send({ seconds: (ended - started) / 1000, acks });
  socket.close();
  process.exit(0);
}

async function senderRole(
  port: number,
  window: number,
  datagramBytes: number,
  count: number,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  const slots = Array.from({ length: window }, () => Buffer.alloc(datagramBytes, 0x5a));
  let base = 0;
  let next = 0;
  const pump = () => {
    while (next < count && next - base < window) {
      const datagram = slots[next % window];
      datagram.writeUInt32BE(next, 0);
      socket.send(datagram, port, '127.0.0.1');
      next++;
    }
  };
  await new Promise<void>((resolve) => {
    socket.on('message', (msg) => {
      const acked = msg.readUInt32BE(0);
      if (acked <= base) return;
      base = acked;
      if (base === count) resolve();
      else pump();
    });
    pump();
  });
  socket.close();
}

await baselineMain(
  import.meta.url,
  { receiver: receiverRole, sender: senderRole },
  async ([window, datagramBytes, count]) => {
    const result = await runUdpWindow({
      window: Number(window ?? 16),
      datagramBytes: Number(datagramBytes ?? 2048),
      count: count === undefined ? undefined : Number(count),
    });
    console.log(
      `raw UDP window exchange, N=${result.window}, ${result.datagramBytes}-byte datagrams: ` +
        `${(result.bytesPerSecond / 1e6).toFixed(1)} MB/s, ${result.acks} ACKs`,
    );
  },
);
