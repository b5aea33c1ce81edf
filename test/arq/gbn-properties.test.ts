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
  checkProperty,
  deliversOrFailsWithACode,
  fileArb,
  isnArb,
  optionsArb as optionsFor,
} from '../helpers/arq-properties.ts';

// Property tests: a Go-Back-N sender and receiver over the pure channel, with generated options
// and a generated fate (loss, duplication, corruption, delay, hence reordering) per datagram. Each
// property's run count keeps this file to a few seconds; a failure prints fast-check's seed and
// the shrunk counterexample (rerun one with FC_SEED=<seed>).

const optionsArb = optionsFor('gbn', 8);

test('any schedule of loss, duplication, corruption and reordering delivers exactly the file or fails with a code on both sides', (t) => {
  checkProperty(t, deliversOrFailsWithACode(optionsArb), 300);
});

test('a receiver with little room slows the sender (advertised window, persist probes) and still gets the file', (t) => {
  checkProperty(
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
        if (run.receiver.status !== 'done')
          throw new Error(`no loss, yet ${run.receiver.failure?.code}`);
      },
    ),
    60,
  );
});

test('without loss every transfer completes, and textbook Go-Back-N sends each packet once', (t) => {
  checkProperty(
    t,
    fc.property(
      fileArb,
      optionsArb,
      isnArb,
      fc.integer({ min: 1, max: 20 }),
      (file, options, isn, delayMs) => {
        const textbook = {
          ...options,
          congestion: 'none',
          fastRetransmit: false,
          ack: { packets: 1, delayMs: 1 },
        } as const;
        const run = { ...corePair(file, textbook, isn), schedule: lossless(delayMs) as Schedule };
        const result = runChannel(run);
        if (run.sender.status !== 'done' || run.receiver.status !== 'done')
          throw new Error('not done');
        if (!result.received.equals(file)) throw new Error('wrong bytes');
        const stats = run.sender.stats(result.now);
        const packets = Math.ceil(file.length / ((options.packetSize ?? 68) - 16)) + 2;
        // The RTO starts at 50 ms; a round trip of up to 40 ms never times out.
        if (stats.retransmits !== 0 || stats.packetsSent !== packets) {
          throw new Error(
            `sent ${stats.packetsSent} for ${packets} packets (${stats.retransmits} again)`,
          );
        }
      },
    ),
    60,
  );
});

test('blind ACKs without the token (any sequence number, any window) never draw DATA', (t) => {
  const forged = fc.record({
    rel: fc.integer({ min: -5, max: 40 }),
    window: fc.integer({ min: 0, max: 65_535 }),
    token: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  });
  checkProperty(
    t,
    fc.property(
      fileArb,
      isnArb,
      fc.array(forged, { minLength: 1, maxLength: 30 }),
      (file, isn, acks) => {
        const { sender } = corePair(file, { packetSize: 68 }, isn);
        const kinds = new Set<string>();
        let now = 0;
        for (const a of acks) {
          const token = a.token === CHANNEL_TOKEN ? 0n : a.token;
          sender.handleDatagram(encodeAck(9, seqAdd(isn, a.rel), token, a.window), now);
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
