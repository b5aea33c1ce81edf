import test from 'ava';
import fc from 'fast-check';
import { decodePacket, encodeAck, seqAdd } from '../../impl/arq/codec.ts';
import {
  CHANNEL_TOKEN,
  corePair,
  lossless,
  outcomeProblem,
  runChannel,
  type Schedule,
  serviceSender,
} from '../helpers/arq-channel.ts';
import {
  checkProperty as check,
  deliversOrFailsWithACode,
  fileArb,
  isnArb,
  optionsArb as optionsFor,
} from '../helpers/arq-properties.ts';

// Property tests: a Selective Repeat sender and receiver over the pure channel
// (test/helpers/arq-channel.ts), with generated options and a generated fate (loss, duplication,
// corruption, delay, hence reordering) for every datagram. A failure prints fast-check's seed and the shrunk
// counterexample (rerun one with FC_SEED=<seed>).

const optionsArb = optionsFor('sr', 16);

test('any schedule of loss, duplication and reordering delivers exactly the file or fails with a code on both sides', (t) => {
  check(t, deliversOrFailsWithACode(optionsArb), 300);
});

// Room for at least a packet: the advertised window paces the sender and the file arrives. Room
// for less (a zero window that never reopens): persist probes carry at most N packets past it
// (the room is a soft bound, one window over at most), then the sender gives up with a code.
test('a receiver with little room slows the sender; one that never has room is overrun by one window at most', (t) => {
  check(
    t,
    fc.property(
      fileArb,
      optionsArb,
      isnArb,
      fc.integer({ min: 0, max: 300 }),
      (file, options, isn, roomBytes) => {
        const run = { ...corePair(file, options, isn), schedule: lossless(5), roomBytes };
        const result = runChannel(run);
        const problem = outcomeProblem(run, result);
        if (problem !== null) throw new Error(problem);
        const payload = (options.packetSize ?? 68) - 16;
        if (roomBytes >= payload && run.receiver.status !== 'done')
          throw new Error(`no loss, yet ${run.receiver.failure?.code}`);
        // START's ACK opens a window of N before the room is known; past that, N more at most.
        const bound = 2 * (options.window ?? 16) * payload;
        if (roomBytes < payload && file.length > bound && result.received.length > bound)
          throw new Error(`${result.received.length} bytes past a room of ${roomBytes}`);
      },
    ),
    60,
  );
});

// Selective Repeat's point: with data lost (ACKs intact, no reordering, an RTO above the round
// trip) the sender sends again exactly the datagrams that were lost, and the receiver never sees
// a packet twice. Go-Back-N resends the whole window behind each loss instead.
test('only what is lost is sent again, and nothing arrives twice', (t) => {
  check(
    t,
    fc.property(
      fileArb,
      optionsArb,
      isnArb,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 20 }),
      (file, options, isn, losses, delayMs) => {
        const textbook = {
          ...options,
          congestion: 'none',
          ack: { packets: 1, delayMs: 1 },
          rto: { mode: 'fixed', ms: 2 * delayMs + 10 },
          maxRetries: 1_000,
        } as const;
        const { sender, receiver } = corePair(file, textbook, isn);
        const kinds: string[] = [];
        const recording = new Proxy(sender, {
          get(target, key) {
            if (key !== 'pollTransmit') {
              const value = Reflect.get(target, key, target);
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return (now: number) => {
              const d = target.pollTransmit(now);
              if (d !== null) kinds.push(decodePacket(d).kind);
              return d;
            };
          },
        });
        let forward = 0;
        let lostData = 0;
        // The i-th datagram to the receiver is lost when losses[i] says so (START excepted: its
        // resending is not a retransmission of data); past the list nothing is lost.
        const schedule: Schedule = (_, toReceiver) => {
          const index = toReceiver ? forward++ : -1;
          const lost = toReceiver && kinds[index] !== 'start' && losses[index] === true;
          if (lost) lostData++;
          return { lost, duplicate: false, delayMs, duplicateDelayMs: 0 };
        };
        const run = { sender: recording, receiver, file, schedule };
        const result = runChannel(run);
        if (sender.status !== 'done' || !result.received.equals(file)) throw new Error('not done');
        const { retransmits } = sender.stats(result.now);
        const { duplicates } = receiver.stats(result.now);
        if (retransmits !== lostData || duplicates !== 0) {
          throw new Error(`${lostData} lost, ${retransmits} sent again, ${duplicates} twice`);
        }
      },
    ),
    150,
  );
});

test('blind ACKs without the token (any sequence number, window or SACK) never draw DATA', (t) => {
  const forged = fc.record({
    rel: fc.integer({ min: -5, max: 40 }),
    window: fc.integer({ min: 0, max: 65_535 }),
    token: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    sack: fc.uint8Array({ maxLength: 4 }),
  });
  check(
    t,
    fc.property(
      fileArb,
      isnArb,
      fc.array(forged, { minLength: 1, maxLength: 30 }),
      (file, isn, acks) => {
        const { sender } = corePair(file, { arq: 'sr', packetSize: 68 }, isn);
        const kinds = new Set<string>();
        let now = 0;
        for (const a of acks) {
          const token = a.token === CHANNEL_TOKEN ? 0n : a.token;
          sender.handleDatagram(encodeAck(9, seqAdd(isn, a.rel), token, a.window, a.sack), now);
          if ((sender.pollTimeout() ?? Number.POSITIVE_INFINITY) <= now) sender.handleTimeout(now);
          for (const d of serviceSender(sender, { bytes: file, offset: 0 }, now))
            kinds.add(String(decodePacket(d).kind));
          now += 7;
        }
        if (sender.validated || [...kinds].some((kind) => kind !== 'start' && kind !== 'abort')) {
          throw new Error(`validated ${sender.validated}, sent ${[...kinds]}`);
        }
      },
    ),
    200,
  );
});
