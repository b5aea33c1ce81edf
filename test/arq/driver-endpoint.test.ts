/**
 * The driver's own behaviour, against a small fake core: what reaches the core, when its output
 * is drained, when its timer runs. (The real cores are tested packet by packet elsewhere.)
 */
import test from 'ava';
import { decodePacket, encodeAbortV1, PacketType, sealPacket } from '../../impl/arq/codec.ts';
import type { ArqReceiverCore, CoreStatus, TransferAnnouncement } from '../../impl/arq/core.ts';
import { TransferReceiver } from '../../impl/arq/driver-receiver.ts';
import { StatsRecorder } from '../../impl/arq/stats.ts';
import { Simulator } from '../../sim/index.ts';

/** Logs every call; answers each datagram with one of its own; follows a deadline schedule. */
class FakeCore implements ArqReceiverCore {
  readonly scheme = 'gbn' as const;
  readonly announcement: TransferAnnouncement | null = null;
  readonly failure = null;
  status: CoreStatus = 'active';
  readonly log: string[] = [];
  readonly #out: Buffer[] = [];
  deadline: number | null;
  readonly #onTimeout: (now: number) => number | null;

  constructor(deadline: number | null, onTimeout: (now: number) => number | null = () => null) {
    this.deadline = deadline;
    this.#onTimeout = onTimeout;
  }
  handleDatagram(datagram: Buffer, now: number): void {
    this.log.push(`in ${datagram.toString()} @${now}`);
    this.#out.push(Buffer.from(`re ${datagram.toString()}`));
  }
  handleTimeout(now: number): void {
    this.log.push(`timeout @${now}`);
    this.deadline = this.#onTimeout(now);
  }
  pollTransmit(): Buffer | null {
    const next = this.#out.shift() ?? null;
    if (next !== null) this.log.push('out');
    return next;
  }
  pollTimeout(): number | null {
    return this.deadline;
  }
  abort(): void {
    this.status = 'failed';
  }
  stats(now: number) {
    return new StatsRecorder().snapshot(now);
  }
  takeData(): Buffer | null {
    return null;
  }
  setRoom(): void {}
}

async function world(core: FakeCore) {
  const sim = new Simulator({ seed: 3 });
  const owner = sim.addHost('owner');
  const requester = sim.addHost('requester');
  const stranger = sim.addHost('stranger');
  // No serialization delay: datagrams sent together arrive together, as one burst.
  sim.connect(owner, requester, { bandwidthBps: Number.POSITIVE_INFINITY, delayMs: 5 });
  const socket = requester.platform.dgram.createSocket();
  const { port } = await sim.until(socket.bind(0));
  const ownerSocket = owner.platform.dgram.createSocket();
  const { port: ownerPort } = await sim.until(ownerSocket.bind(0));
  const receiver = new TransferReceiver({
    platform: requester.platform,
    socket,
    peerAddress: owner.address,
    peerPort: ownerPort,
    transferId: 7,
    dir: '/',
    name: 'x.bin',
    core: () => core,
  });
  const heard: Buffer[] = [];
  ownerSocket.on('message', (msg) => heard.push(Buffer.from(msg)));
  const send = (text: string | Buffer) =>
    ownerSocket.send(Buffer.from(text), port, requester.address);
  return { sim, owner, stranger, receiver, send, heard, port, requester };
}

test('a burst of datagrams is handed over first, and its output drained once at the end', async (t) => {
  const core = new FakeCore(null);
  const { sim, send, heard } = await world(core);
  sim.at(10, () => {
    for (const text of ['a', 'b', 'c']) send(text);
  });
  await sim.run();
  t.deepEqual(core.log, ['in a @15', 'in b @15', 'in c @15', 'out', 'out', 'out']);
  t.deepEqual(
    heard.map((msg) => msg.toString()),
    ['re a', 're b', 're c'],
  );
});

test('one timer, at the deadline the core names, re-armed when the core moves it', async (t) => {
  // 100, then 250, then none; a datagram at 15 moves the first deadline to 50.
  const core = new FakeCore(100, (now) => (now < 200 ? 250 : null));
  const { sim, send } = await world(core);
  sim.at(10, () => {
    send('earlier');
  });
  const handle = core.handleDatagram.bind(core);
  core.handleDatagram = (datagram, now) => {
    handle(datagram, now);
    core.deadline = 50;
  };
  await sim.run();
  t.deepEqual(core.log, ['in earlier @15', 'out', 'timeout @50', 'timeout @250']);
});

test('datagrams from anyone but the peer never reach the core; an old peer is told UNSUPPORTED_VERSION', async (t) => {
  const core = new FakeCore(null);
  const { sim, stranger, receiver, port, requester, send, heard } = await world(core);
  const strangerSocket = stranger.platform.dgram.createSocket();
  await sim.until(strangerSocket.bind(0));
  strangerSocket.send(Buffer.from('spoof'), port, requester.address);
  const old = encodeAbortV1(7, 'X');
  sealPacket(old, PacketType.START, 7, 0, old.length - 16, 1); // a version 1 datagram
  send(old);
  await sim.run();
  t.deepEqual(core.log, [], 'the core saw neither');
  t.is(receiver.stats.ignored, 2);
  t.is(heard.length, 1);
  const answer = decodePacket(heard[0]);
  t.is(heard[0][0], 1, 'answered in version 1');
  t.like(answer, { kind: 'invalid', reason: 'OLD_VERSION', transferId: 7 });
  t.is(heard[0].subarray(16).toString(), 'UNSUPPORTED_VERSION');
});
