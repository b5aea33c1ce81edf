import test from 'ava';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { abort, abortAck, ack, expectSteps, letters, sack, senderAt } from './packets.ts';

// Packet-exact vectors for the Selective Repeat sender's protocol rules: address validation by
// token, the retry limit and ABORT, ABORT from the receiver, the advertised window and the persist
// probe, RFC 6298 back-off with Karn's rule, AIMD at most once per window.
const isn = 1_000;
const w = { isn };
const base = {
  arq: 'sr',
  packetSize: 68,
  window: 4,
  rto: { mode: 'fixed', ms: 100 },
  congestion: 'none',
  fastRetransmit: true,
  ack: { packets: 1, delayMs: 1 },
} as const;
const sender = (file: Buffer, options: TransferOptionsInput = base) => senderAt(file, options, isn);
const twoPackets = letters(52, 2);

test('an ACK with the wrong token is ignored: no validation, no data, START again on time', (t) => {
  const core = sender(twoPackets);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1, 4, 0xbadn), out: [], next: 100 },
      { at: 100, timeout: true, out: ['START +0 n4'], next: 200 },
      { at: 110, in: ack(w, 1), out: ['DATA +1 a×52', 'DATA +2 b×52', 'FIN +3'], next: 210 },
      // Validated now: a forged ACK of everything still moves nothing.
      { at: 120, in: sack(w, 4, [], 4, 0xbadn), out: [], next: 210 },
    ],
    isn,
    twoPackets,
  );
  t.false(core.status === 'done');
  t.like(core.stats(120), { ignored: 2, timeouts: 1 });
});

test('START backs off (RFC 6298) until acknowledged', (t) => {
  const adaptive = { ...base, rto: { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1000 } };
  const core = sender(twoPackets, adaptive as TransferOptionsInput);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 100, timeout: true, out: ['START +0 n4'], next: 300 },
      { at: 300, timeout: true, out: ['START +0 n4'], next: 700 },
    ],
    isn,
    twoPackets,
  );
  t.like(core.stats(300), { timeouts: 2, rtoMs: 400 });
});

test('the retry limit: TRANSFER_TIMEOUT, ABORT repeated each RTO until ABORT_ACK', (t) => {
  const core = sender(twoPackets, { ...base, maxRetries: 2 });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 100, timeout: true, out: ['START +0 n4'], next: 200 },
      { at: 200, timeout: true, out: ['START +0 n4'], next: 300 },
      { at: 300, timeout: true, out: ['ABORT TRANSFER_TIMEOUT'], next: 400 },
      { at: 400, timeout: true, out: ['ABORT TRANSFER_TIMEOUT'], next: 500 },
      { at: 450, in: abortAck(w), out: [], next: null },
    ],
    isn,
    twoPackets,
  );
  t.is(core.status, 'failed');
  t.deepEqual(core.failure?.code, 'TRANSFER_TIMEOUT');
  t.false(core.failure?.remote);
});

test('an unanswered ABORT stops after 5 tries', (t) => {
  const core = sender(twoPackets);
  const repeat = (at: number, next: number | null) => ({
    at,
    timeout: true as const,
    out: ['ABORT IO_ERROR'],
    next,
  });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), abort: 'IO_ERROR', out: ['ABORT IO_ERROR'], next: 110 },
      repeat(110, 210),
      repeat(210, 310),
      repeat(310, 410),
      repeat(410, null),
    ],
    isn,
    twoPackets,
  );
});

test("the receiver's ABORT: a wrong token is ignored, the right one ends it and is answered", (t) => {
  const core = sender(twoPackets);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: ['DATA +1 a×52', 'DATA +2 b×52', 'FIN +3'], next: 110 },
      { at: 20, in: abort(w, 'HASH_MISMATCH', 0xbadn), out: [], next: 110 },
      { at: 30, in: abort(w, 'HASH_MISMATCH'), out: ['ABORT_ACK'], next: null },
      { at: 40, in: abort(w, 'HASH_MISMATCH'), out: ['ABORT_ACK'], next: null },
    ],
    isn,
    twoPackets,
  );
  t.deepEqual(core.failure, {
    code: 'HASH_MISMATCH',
    message: 'the receiver aborted the transfer (HASH_MISMATCH)',
    remote: true,
  });
});

test('a receiver running another scheme: its UNSUPPORTED_ARQ ABORT before validation ends it', (t) => {
  const core = sender(twoPackets);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 5, in: abort(w, 'UNSUPPORTED_ARQ'), out: ['ABORT_ACK'], next: null },
    ],
    isn,
    twoPackets,
  );
  t.like(core.failure, { code: 'UNSUPPORTED_ARQ', remote: true });
});

// A zero window stops new data; with nothing outstanding the persist timer sends the next packet
// past the window (the receiver takes it, its room being a soft bound, and re-ACKs with its
// window); a window update resumes at once.
test('advertised window 0: persist probes, then the update opens the window', (t) => {
  const file = letters(52, 3);
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1, 1), out: ['DATA +1 a×52'], next: 110 },
      { at: 20, in: sack(w, 2, [], 0), out: [], next: 120 },
      { at: 120, timeout: true, out: ['DATA +2 b×52'], next: 220 },
      { at: 130, in: sack(w, 3, [], 0), out: [], next: 230 },
      { at: 140, in: sack(w, 3, [], 4), out: ['DATA +3 c×52', 'FIN +4'], next: 240 },
    ],
    isn,
    file,
  );
  // The update repeats the cumulative point but is no duplicate ACK.
  t.like(core.stats(140), { timeouts: 1, retransmits: 0, duplicates: 0 });
});

// A receiver whose room never reopens: probes carry new packets past its window only up to N
// in a row (here 1), then repeat the last acknowledged one, so it is overrun by one window at most.
test('persist probes go past a zero window by N packets at most', (t) => {
  const file = letters(52, 3);
  const core = sender(file, { ...base, window: 1 });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n1'], next: 100 },
      { at: 10, in: ack(w, 1, 1), out: ['DATA +1 a×52'], next: 110 },
      { at: 20, in: sack(w, 2, [], 0), out: [], next: 120 },
      { at: 120, timeout: true, out: ['DATA +2 b×52'], next: 220 },
      { at: 130, in: sack(w, 3, [], 0), out: [], next: 230 },
      { at: 230, timeout: true, out: ['DATA +2 b×52'], next: 330 },
      { at: 240, in: sack(w, 3, [], 1), out: ['DATA +3 c×52'], next: 340 },
    ],
    isn,
    file,
  );
});

// Karn: the ACK of a retransmitted packet gives no round-trip sample (it could answer either
// copy); the next packet sent once does.
test("RTT samples only from packets sent once (Karn's rule)", (t) => {
  const adaptive = {
    ...base,
    window: 1,
    rto: { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1000 },
  };
  const core = sender(twoPackets, adaptive as TransferOptionsInput);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n1'], next: 100 },
      { at: 10, in: ack(w, 1, 1), out: ['DATA +1 a×52'], next: 110 },
      { at: 110, timeout: true, out: ['DATA +1 a×52'], next: 310 },
      // DATA +1 acknowledged (sent twice: no sample): the backoff ends, the RTO is 100 again.
      { at: 115, in: sack(w, 2, [], 1), out: ['DATA +2 b×52'], next: 215 },
    ],
    isn,
    twoPackets,
  );
  t.true(Number.isNaN(core.stats(115).srttMs));
  core.handleDatagram(sack(w, 3, [], 1), 135);
  t.like(core.stats(135), { srttMs: 20, rtoMs: 60 });
});

test('AIMD halves the window once for two holes found in the same window', (t) => {
  const file = letters(52, 8);
  const core = sender(file, { ...base, window: 8, congestion: 'aimd' });
  const all = Array.from(
    { length: 8 },
    (_, i) => `DATA +${i + 1} ${String.fromCharCode(97 + i)}×52`,
  );
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n8'], next: 100 },
      { at: 10, in: ack(w, 1, 8), out: all, next: 110 },
      {
        at: 20,
        in: sack(w, 1, [3, 4, 5, 6, 7, 8], 8),
        out: ['DATA +1 a×52', 'DATA +2 b×52'],
        next: 120,
      },
    ],
    isn,
    file,
  );
  t.like(core.stats(20), { windowNow: 4, windowMin: 4, fastRetransmits: 2 });
});
