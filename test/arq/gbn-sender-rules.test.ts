import test from 'ava';
import { GbnSenderCore } from '../../impl/arq/gbn-sender.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { abort, abortAck, ack, expectSteps, ID, letters, play, sha, TOKEN } from './packets.ts';

// Packet-exact vectors for the sender's rules: window sizes, address validation by token, the
// advertised window and its persist probe, ABORT both ways, and construction misuse.
const isn = 77;
const w = { isn };
const small = { packetSize: 68, window: 4, rto: { mode: 'fixed', ms: 100 } } as const;
const file = letters(52, 3, 10);

function sender(bytes: Buffer, options: TransferOptionsInput = small): GbnSenderCore {
  return new GbnSenderCore({
    transferId: ID,
    isn,
    token: TOKEN,
    fileSize: bytes.length,
    sha256: sha(bytes),
    options,
    now: 0,
  });
}

test('a window of 1 is stop-and-wait: one packet per ACK', (t) => {
  expectSteps(
    t,
    sender(file, { ...small, window: 1 }),
    [
      { at: 0, out: ['START +0 n1'], next: 100 },
      { at: 10, in: ack(w, 1, 1), out: ['DATA +1 a×52'], next: 110 },
      { at: 20, in: ack(w, 2, 1), out: ['DATA +2 b×52'], next: 120 },
      { at: 30, in: ack(w, 3, 1), out: ['DATA +3 c×10'], next: 130 },
      { at: 40, in: ack(w, 4, 1), out: ['FIN +4'], next: 140 },
      { at: 50, in: ack(w, 5, 1), out: [], next: null },
    ],
    isn,
    file,
  );
});

test('a window of 1024 sends 1024 packets after START and one more per packet acknowledged', (t) => {
  const big = letters(52, 2_000);
  const core = sender(big, { ...small, window: 1_024 });
  const [, opened, slid] = play(
    core,
    [
      { at: 0, out: [], next: 0 },
      { at: 10, in: ack(w, 1, 1_024), out: [], next: 0 },
      { at: 20, in: ack(w, 11, 1_024), out: [], next: 0 },
    ],
    isn,
    big,
  );
  t.is(opened!.out.length, 1_024);
  t.is(opened!.out.at(-1), `DATA +1024 ${String.fromCharCode(97 + (1_023 % 26))}×52`);
  t.deepEqual(slid!.out.length, 10, 'ten acknowledged, ten more sent');
  t.is(slid!.out[0], `DATA +1025 ${String.fromCharCode(97 + (1_024 % 26))}×52`);
});

test('an ACK with the wrong token is counted as ignored and validates nothing', (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1, 4, 0xbad_cafen), out: [], next: 100 },
      { at: 100, timeout: true, out: ['START +0 n4'], next: 200 },
      // The START timeout counted as a loss (AIMD, as before): 2 of the 4 packets go out.
      { at: 110, in: ack(w, 1), out: ['DATA +1 a×52', 'DATA +2 b×52'], next: 210 },
    ],
    isn,
    file,
  );
  t.like(core.stats(110), { ignored: 1, packetsReceived: 1 });
});

test('the file is asked for only once the receiver is validated, one window and one packet ahead', (t) => {
  const big = letters(52, 20);
  const core = sender(big);
  t.is(core.dataWanted(), 0, 'before validation: not a byte read for a possibly forged request');
  core.pollTransmit(0);
  core.handleDatagram(ack(w, 1), 5);
  t.is(core.dataWanted(), 5 * 52, 'N = 4 packets plus one ahead');
  core.offerData(big.subarray(0, 100));
  t.is(core.dataWanted(), 5 * 52 - 100);
  t.throws(() => core.offerData(Buffer.alloc(big.length)), { code: 'BAD_ARGUMENT' } as never);
});

test('advertised window 0: nothing new goes out until the window update', (t) => {
  expectSteps(
    t,
    sender(file),
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1, 0), out: [], next: 110 },
      { at: 50, in: ack(w, 1, 2), out: ['DATA +1 a×52', 'DATA +2 b×52'], next: 150 },
      { at: 60, in: ack(w, 3, 1), out: ['DATA +3 c×10'], next: 160 },
      { at: 70, in: ack(w, 4, 4), out: ['FIN +4'], next: 170 },
    ],
    isn,
    file,
  );
});

test('advertised window 0 with the update lost: the persist timer sends one packet as a probe', (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1, 0), out: [], next: 110 },
      { at: 110, timeout: true, out: ['DATA +1 a×52'], next: 210 },
      { at: 120, in: ack(w, 2, 0), out: [], next: 220 },
      { at: 220, timeout: true, out: ['DATA +2 b×52'], next: 320 },
      { at: 230, in: ack(w, 3, 4), out: ['DATA +3 c×10', 'FIN +4'], next: 330 },
    ],
    isn,
    file,
  );
  t.like(core.stats(230), { timeouts: 2, retransmits: 0, windowMin: 4 }, 'a probe is not a loss');
});

test("the receiver's ABORT fails the transfer with its code and is answered, repeats included", (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: abort(w, 'UNSUPPORTED_ARQ'), out: ['ABORT_ACK'], next: null },
      { at: 210, in: abort(w, 'UNSUPPORTED_ARQ'), out: ['ABORT_ACK'], next: null },
    ],
    isn,
    file,
  );
  t.like(core.failure, { code: 'UNSUPPORTED_ARQ', remote: true });
});

test('a remote ABORT naming an unknown code becomes TRANSFER_ABORTED', (t) => {
  const core = sender(file);
  play(
    core,
    [
      { at: 0, out: [], next: 0 },
      { at: 5, in: abort(w, 'DISK_ON_FIRE' as never), out: [], next: 0 },
    ],
    isn,
    file,
  );
  t.like(core.failure, { code: 'TRANSFER_ABORTED', remote: true });
  t.regex(core.failure!.message, /DISK_ON_FIRE/);
});

test('once validated, an ABORT without the token is ignored (a blind reset fails)', (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      {
        at: 10,
        in: ack(w, 1),
        out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'],
        next: 110,
      },
      { at: 20, in: abort(w, 'TRANSFER_ABORTED', 0n), out: [], next: 110 },
      { at: 30, in: ack(w, 5), out: [], next: null },
    ],
    isn,
    file,
  );
  t.is(core.status, 'done');
  t.is(core.stats(30).ignored, 1);
});

test('abort() tells the receiver with the token, spaced by the RTO, until ABORT_ACK', (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      {
        at: 10,
        in: ack(w, 1),
        out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'],
        next: 110,
      },
      { at: 20, abort: 'IO_ERROR', out: ['ABORT IO_ERROR'], next: 120 },
      { at: 30, in: ack(w, 5), out: [], next: 120 },
      { at: 120, timeout: true, out: ['ABORT IO_ERROR'], next: 220 },
      { at: 130, in: abortAck(w), out: [], next: null },
    ],
    isn,
    file,
  );
  t.like(core.failure, { code: 'IO_ERROR', remote: false, message: 'given up by the test' });
  t.is(core.status, 'failed', 'an ACK after giving up changes nothing');
});

test('an empty file is START then FIN', (t) => {
  const empty = Buffer.alloc(0);
  expectSteps(
    t,
    sender(empty),
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: ['FIN +1'], next: 110 },
      { at: 20, in: ack(w, 2), out: [], next: null },
    ],
    isn,
    empty,
  );
});

test('ACKs reordered on the way back: an older one after a newer one changes nothing', (t) => {
  const core = sender(file);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      {
        at: 10,
        in: ack(w, 1),
        out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'],
        next: 110,
      },
      { at: 20, in: [ack(w, 3), ack(w, 2), ack(w, 1)], out: [], next: 120 },
      { at: 30, in: ack(w, 5), out: [], next: null },
    ],
    isn,
    file,
  );
  t.like(core.stats(30), { duplicates: 2, retransmits: 0, fastRetransmits: 0 });
});

test('window updates repeating the cumulative ACK are not duplicate ACKs (no fast retransmit)', (t) => {
  const six = letters(52, 6);
  const core = sender(six, { ...small, window: 8 });
  const all = [
    'DATA +1 a×52',
    'DATA +2 b×52',
    'DATA +3 c×52',
    'DATA +4 d×52',
    'DATA +5 e×52',
    'DATA +6 f×52',
    'FIN +7',
  ];
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n8'], next: 100 },
      { at: 10, in: ack(w, 1, 8), out: all, next: 110 },
      { at: 20, in: [ack(w, 1, 7), ack(w, 1, 6), ack(w, 1, 5)], out: [], next: 110 },
    ],
    isn,
    six,
  );
  t.is(core.stats(20).fastRetransmits, 0);
});
