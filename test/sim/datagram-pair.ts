/**
 * The simulator tests' fixture (not a harness world: these tests check the simulator itself):
 * two hosts with datagram sockets, and a blast of numbered datagrams whose arrivals are recorded
 * (sequence number, virtual time, payload intact or not).
 */
import type { DatagramSocket } from '../../impl/platform/types.ts';
import {
  type PathConfig,
  type SimHost,
  Simulator,
  type SimulatorOptions,
} from '../../sim/index.ts';

export const BLAST_PORT = 4000;

export interface Pair {
  sim: Simulator;
  a: SimHost;
  b: SimHost;
  sender: DatagramSocket;
  receiver: DatagramSocket;
}

export async function datagramPair(
  config: PathConfig | 'lan' | 'wan' | 'lossy' | 'wifi' | 'loopback',
  options: SimulatorOptions = {},
): Promise<Pair> {
  const sim = new Simulator(options);
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  sim.connect(a, b, config);
  const sender = a.platform.dgram.createSocket();
  const receiver = b.platform.dgram.createSocket();
  await sim.until(Promise.all([sender.bind(BLAST_PORT), receiver.bind(BLAST_PORT)]));
  return { sim, a, b, sender, receiver };
}

export interface Arrival {
  seq: number;
  time: number;
  intact: boolean;
}

/** A datagram of `size` bytes carrying `seq` and a pattern derived from it. */
export function numbered(seq: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(seq, 0);
  // The pattern hangs on every byte of seq, so a flip in the header shows as well.
  const fold = (seq ^ (seq >>> 8) ^ (seq >>> 16) ^ (seq >>> 24)) & 0xff;
  for (let i = 4; i < size; i++) bytes[i] = (fold * 31 + i * 7) & 0xff;
  return bytes;
}

function intact(message: Buffer, size: number): boolean {
  return message.length === size && numbered(message.readUInt32BE(0), size).equals(message);
}

/**
 * Sends `count` numbered datagrams of `size` bytes from a to b, `gapMs` apart (0: all at once),
 * runs the simulation to the end and returns the arrivals in arrival order.
 */
export async function blast(
  pair: Pair,
  count: number,
  size: number,
  gapMs = 0,
): Promise<Arrival[]> {
  const { sim, b, sender, receiver } = pair;
  const arrivals: Arrival[] = [];
  const clock = b.platform.clock;
  receiver.on('message', (message) => {
    arrivals.push({
      seq: message.readUInt32BE(0),
      time: clock.now(),
      intact: intact(message, size),
    });
  });
  const start = sim.now;
  for (let seq = 0; seq < count; seq++) {
    const send = () => sender.send(numbered(seq, size), BLAST_PORT, b.address);
    if (gapMs === 0) send();
    else sim.at(start + seq * gapMs, send);
  }
  await sim.run();
  return arrivals;
}

/** |observed − n·p| within `sigmas` binomial standard deviations. */
export function withinSigmas(observed: number, n: number, p: number, sigmas = 5): boolean {
  const sd = Math.sqrt(n * p * (1 - p));
  return Math.abs(observed - n * p) <= sigmas * sd;
}
