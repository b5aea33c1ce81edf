import test from 'ava';
import { decodePacket } from '../../impl/arq/codec.ts';
import { GbnSenderCore } from '../../impl/arq/gbn-sender.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { abortAck, ack, expectSteps, ID, letters, play, type Step, sha, TOKEN } from './packets.ts';

// Packet-exact vectors for the Go-Back-N sender: 52-byte payloads (68-byte datagrams), sequence
// numbers shown relative to the ISN, a fixed 100 ms RTO unless a test is about the RTO.
const isn = 1_000;
const w = { isn };
const small = { packetSize: 68, window: 4, rto: { mode: 'fixed', ms: 100 } } as const;
const textbook = {
  ...small,
  congestion: 'none',
  fastRetransmit: false,
  ack: { packets: 1, delayMs: 1 },
} as const;
const threePackets = letters(52, 3, 10);

function sender(file: Buffer, options: TransferOptionsInput, at = isn): GbnSenderCore {
  return new GbnSenderCore({
    transferId: ID,
    isn: at,
    token: TOKEN,
    fileSize: file.length,
    sha256: sha(file),
    options,
    now: 0,
  });
}
const window4 = ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'];

test('in-order delivery: START alone until acknowledged, then the window, done at the FIN ACK', (t) => {
  const core = sender(threePackets, textbook);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: window4, next: 110 },
      { at: 20, in: ack(w, 2), out: [], next: 120 },
      { at: 21, in: ack(w, 5), out: [], next: null },
    ],
    isn,
    threePackets,
  );
  t.is(core.status, 'done');
  t.true(core.validated);
  const stats = core.stats(21);
  t.like(stats, {
    bytes: 162 - 48,
    packetsSent: 5,
    packetsReceived: 3,
    retransmits: 0,
    timeouts: 0,
  });
});

test('a lost DATA: textbook Go-Back-N waits for the timeout and sends the whole window again', (t) => {
  const core = sender(threePackets, textbook);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: window4, next: 110 },
      // DATA +1 was lost: the receiver repeats ACK +1 for each later packet.
      { at: 20, in: [ack(w, 1), ack(w, 1), ack(w, 1)], out: [], next: 110 },
      { at: 110, timeout: true, out: window4, next: 210 },
      { at: 120, in: ack(w, 5), out: [], next: null },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(120), { retransmits: 4, timeouts: 1, duplicates: 3, fastRetransmits: 0 });
});

test('a lost ACK costs nothing: the next cumulative ACK covers it', (t) => {
  const core = sender(threePackets, textbook);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: window4, next: 110 },
      { at: 30, in: ack(w, 4), out: [], next: 130 },
      { at: 31, in: ack(w, 5), out: [], next: null },
    ],
    isn,
    threePackets,
  );
  t.is(core.stats(31).retransmits, 0);
});

test('three duplicate ACKs: fast retransmit once per window, with the AIMD window halved', (t) => {
  const file = letters(52, 6);
  const core = sender(file, { ...small, window: 8 });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n8'], next: 100 },
      {
        at: 10,
        in: ack(w, 1, 8),
        out: [
          'DATA +1 a×52',
          'DATA +2 b×52',
          'DATA +3 c×52',
          'DATA +4 d×52',
          'DATA +5 e×52',
          'DATA +6 f×52',
          'FIN +7',
        ],
        next: 110,
      },
      { at: 20, in: ack(w, 2, 8), out: [], next: 120 },
      { at: 21, in: [ack(w, 2, 8), ack(w, 2, 8)], out: [], next: 120 },
      // The third duplicate: go back to +2 now, 4 packets (the window halved from 8).
      {
        at: 22,
        in: ack(w, 2, 8),
        out: ['DATA +2 b×52', 'DATA +3 c×52', 'DATA +4 d×52', 'DATA +5 e×52'],
        next: 122,
      },
      // Duplicates of what was in flight before: no second fast retransmit for this window.
      { at: 23, in: [ack(w, 2, 8), ack(w, 2, 8), ack(w, 2, 8)], out: [], next: 122 },
      { at: 30, in: ack(w, 8, 8), out: [], next: null },
    ],
    isn,
    file,
  );
  t.like(core.stats(30), { fastRetransmits: 1, retransmits: 4, windowMin: 4, timeouts: 0 });
});

test('timeouts back off (RFC 6298): 200, 400, 800, 1600, then the 2000 ms ceiling', (t) => {
  const core = sender(threePackets, { packetSize: 68, window: 4 });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 200 },
      { at: 200, timeout: true, out: ['START +0 n4'], next: 600 },
      { at: 600, timeout: true, out: ['START +0 n4'], next: 1_400 },
      { at: 1_400, timeout: true, out: ['START +0 n4'], next: 3_000 },
      { at: 3_000, timeout: true, out: ['START +0 n4'], next: 5_000 },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(3_000), { timeouts: 4, retransmits: 4, rtoMs: 2_000 });
});

test('samples come from DATA only: the START and FIN round trips leave SRTT alone', (t) => {
  const core = sender(threePackets, { packetSize: 68, window: 4 });
  play(
    core,
    [
      { at: 0, out: [], next: 0 },
      { at: 5, in: ack(w, 1), out: [], next: 0 },
      { at: 45, in: ack(w, 2), out: [], next: 0 },
    ],
    isn,
    threePackets,
  );
  t.is(core.stats(45).srttMs, 40, 'START answered in 5 ms was not a sample; DATA +1 in 40 ms was');
});

test('the retry limit: after maxRetries timeouts without progress, ABORT repeated until ABORT_ACK', (t) => {
  const core = sender(threePackets, { ...textbook, maxRetries: 2 });
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
    threePackets,
  );
  t.is(core.status, 'failed');
  t.like(core.failure, { code: 'TRANSFER_TIMEOUT', remote: false });
});

test('an unanswered ABORT stops after 5 tries', (t) => {
  const core = sender(threePackets, textbook);
  const steps: Step[] = [{ at: 0, abort: 'IO_ERROR', out: ['ABORT IO_ERROR'], next: 100 }];
  for (let i = 1; i < 5; i++) {
    steps.push({
      at: 100 * i,
      timeout: true,
      out: ['ABORT IO_ERROR'],
      next: i < 4 ? 100 * (i + 1) : null,
    });
  }
  expectSteps(t, core, steps, isn, threePackets);
  t.like(core.failure, { code: 'IO_ERROR', remote: false });
});

test('sequence numbers wrap at 2^32: an ISN of 0xfffffffe runs DATA through 0xffffffff and 0', (t) => {
  const file = letters(52, 2);
  const wrap = { isn: 0xffff_fffe };
  const core = sender(file, textbook, wrap.isn);
  const [first, second] = play(
    core,
    [
      { at: 0, out: [], next: 0 },
      { at: 10, in: ack(wrap, 1), out: [], next: 0 },
      { at: 20, in: ack(wrap, 4), out: [], next: 0 },
    ],
    wrap.isn,
    file,
  );
  t.deepEqual(first!.out, ['START +0 n4']);
  t.deepEqual(second!.out, ['DATA +1 a×52', 'DATA +2 b×52', 'FIN +3']);
  t.is(core.status, 'done', 'ACK 1 (after the wrap) acknowledged FIN 0x00000000 + 1');
});

test('the wire sequence numbers across the wrap are 0xffffffff, 0, 1', (t) => {
  const file = letters(52, 2);
  const core = sender(file, textbook, 0xffff_fffe);
  play(core, [{ at: 0, out: [], next: 0 }], 0xffff_fffe, file);
  core.handleDatagram(ack({ isn: 0xffff_fffe }, 1), 10);
  core.offerData(file);
  const seqs: number[] = [];
  for (let d = core.pollTransmit(10); d !== null; d = core.pollTransmit(10))
    seqs.push((decodePacket(d) as { seq: number }).seq);
  t.deepEqual(seqs, [0xffff_ffff, 0, 1]);
});

const misuse = test.macro({
  exec(t, patch: Record<string, unknown>, message: RegExp) {
    const init = {
      transferId: ID,
      isn,
      token: TOKEN,
      fileSize: 3,
      sha256: sha(threePackets),
      now: 0,
      ...patch,
    };
    const error = t.throws(() => new GbnSenderCore(init as never), {
      code: 'BAD_ARGUMENT',
    } as never);
    t.regex(error!.message, message);
  },
  title: (name = '') => `a sender core with ${name} throws BAD_ARGUMENT at once`,
});
test('a 33-bit transfer id', misuse, { transferId: 2 ** 32 }, /transferId/);
test('a negative ISN', misuse, { isn: -1 }, /isn/);
test('a 65-bit token', misuse, { token: 2n ** 64n }, /token/);
test('a token given as a number', misuse, { token: 5 }, /token/);
test('a short SHA-256', misuse, { sha256: Buffer.alloc(31) }, /sha256/);
test('a fractional file size', misuse, { fileSize: 1.5 }, /file size/);
test('Selective Repeat options', misuse, { options: { arq: 'sr' } }, /options.arq 'sr'/);
test(
  'an unknown scheme in the options',
  misuse,
  { options: { arq: 'tcp' } },
  /unknown ARQ scheme "tcp"/,
);
test(
  'more packets than 32-bit sequence numbers',
  misuse,
  { fileSize: 2 ** 32 * 52, options: { packetSize: 68 } },
  /too large/,
);
