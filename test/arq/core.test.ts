import test from 'ava';
import type { Scheme } from '../../impl/arq/codec.ts';
import { FINAL_ACK_REPEATS } from '../../impl/arq/final-ack.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { corePair, drain, lossless, runChannel } from '../helpers/arq-channel.ts';
import { abortAck, ack, data, describe, fin, letters, start } from './packets.ts';

// The contract of core.ts holds alike for the four cores: what one side counts as sent, the other
// counts as received, and the counters mean the same thing whatever the scheme.

const PAYLOAD = 52; // packetSize 68 less the 16-byte header

/** No congestion window and no loss: nothing is sent twice, so the counts are exact. */
const textbook = (arq: Scheme, window: number): TransferOptionsInput => ({
  arq,
  packetSize: 68,
  window,
  congestion: 'none',
  fastRetransmit: false,
  ack: { packets: 1, delayMs: 1 },
  rto: { mode: 'fixed', ms: 1_000 },
});

const lossless_ = test.macro({
  exec(t, arq: Scheme, packets: number, window: number) {
    const file = letters(PAYLOAD, packets, 17);
    const run = { ...corePair(file, textbook(arq, window), 100), schedule: lossless(5) };
    const result = runChannel(run);
    t.true(result.received.equals(file), 'the file arrived');
    const sent = run.sender.stats(result.now);
    const got = run.receiver.stats(result.now);
    // START, K DATA, FIN, each once; the ACKs (one per drain at most, so their number depends on
    // how datagrams bunch up) are counted alike on both ends.
    t.like(sent, { packetsSent: packets + 2, bytes: file.length });
    t.like(got, { packetsReceived: packets + 2, bytes: file.length });
    // The receiver repeats its final ACK unasked (final-ack.ts); those copies reach a sender that
    // has already finished, which counts them as ignored.
    const late = FINAL_ACK_REPEATS;
    t.true(got.packetsSent >= 2 + late, 'at least the ACKs of START and FIN, and the repeats');
    t.is(sent.packetsReceived + late, got.packetsSent, 'every ACK sent is counted once');
    t.is(result.datagrams, sent.packetsSent + got.packetsSent, 'and as on the wire');
    for (const stats of [sent, got]) {
      t.like(stats, { retransmits: 0, timeouts: 0, fastRetransmits: 0, duplicates: 0 });
      t.like(stats, { outOfOrder: 0 });
    }
    t.like(got, { ignored: 0 });
    t.like(sent, { ignored: late });
  },
  title: (_ = '', arq: Scheme, packets: number, window: number) =>
    `${arq}: a lossless transfer of ${packets} packets (N=${window}) counts every datagram once on both ends`,
});
for (const arq of ['gbn', 'sr'] as const) {
  test(lossless_, arq, 1, 1);
  test(lossless_, arq, 9, 4);
  test(lossless_, arq, 40, 16);
}

// The driver holds a done receiver's FIN ACK until the file is committed; if the commit fails,
// abort() must still turn it into an ABORT (core.ts), never a FIN ACK.
const abortDone = test.macro({
  exec(t, arq: Scheme) {
    const w = { isn: 500, transferId: 9 };
    const file = letters(PAYLOAD, 1);
    const { receiver } = corePair(file, textbook(arq, 4), 0);
    receiver.handleDatagram(start(w, file, { scheme: arq }), 0);
    receiver.handleDatagram(data(w, 1, file), 1);
    while (receiver.takeData() !== null);
    drain(receiver, 1);
    receiver.handleDatagram(fin(w, 2), 2);
    t.is(receiver.status, 'done', 'size and SHA-256 checked at FIN');
    receiver.abort('IO_ERROR', 'cannot commit the file', 2);
    t.is(receiver.status, 'failed');
    t.deepEqual(
      drain(receiver, 2).map((d) => describe(d, w.isn)),
      ['ABORT IO_ERROR'],
    );
  },
  title: (_ = '', arq: Scheme) =>
    `${arq}: a done receiver aborted before its FIN ACK went sends ABORT instead`,
});
test(abortDone, 'gbn');
test(abortDone, 'sr');

// Datagrams that change nothing count once, in `ignored`, never also in `packetsReceived`.
const strays = test.macro({
  exec(t, arq: Scheme) {
    const w = { isn: 500, transferId: 9 };
    const file = letters(PAYLOAD, 1);
    const { receiver } = corePair(file, textbook(arq, 4), 0);
    receiver.handleDatagram(start(w, file, { scheme: arq }), 0);
    receiver.handleDatagram(start({ ...w, token: 1n }, file, { scheme: arq }), 1);
    receiver.handleDatagram(abortAck(w), 2);
    t.like(receiver.stats(3), { packetsReceived: 1, ignored: 2 }, 'receiver');

    const run = { ...corePair(file, textbook(arq, 4), 500), schedule: lossless(5) };
    const result = runChannel(run);
    const before = run.sender.stats(result.now);
    run.sender.handleDatagram(ack(w, 3), result.now); // the FIN's ACK again, after the end
    run.sender.handleDatagram(abortAck(w), result.now);
    t.like(run.sender.stats(result.now), {
      packetsReceived: before.packetsReceived,
      ignored: before.ignored + 2,
    });
  },
  title: (_ = '', arq: Scheme) =>
    `${arq}: a foreign START, an ABORT_ACK unasked for and an ACK after the end are ignored, not received`,
});
test(strays, 'gbn');
test(strays, 'sr');
