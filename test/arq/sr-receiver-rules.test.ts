import test from 'ava';
import { HEADER_BYTES, PacketType, START_PAYLOAD_BYTES, sealPacket } from '../../impl/arq/codec.ts';
import {
  abort,
  abortAck,
  data,
  expectSteps,
  fin,
  ID,
  letters,
  receiverWith,
  start,
} from './packets.ts';

// Packet-exact vectors for the Selective Repeat receiver's protocol rules: the scheme check, the
// token on ABORT, ABORT repeated until ABORT_ACK, the advertised window, size and hash checks,
// the idle timeout, an old (version 1) peer.
const isn = 5_000;
const w = { isn };
const options = {
  arq: 'sr',
  packetSize: 68,
  window: 4,
  ack: { packets: 1, delayMs: 1 },
  idleTimeoutMs: 1_000,
} as const;
const file = letters(52, 2);
const a = 'a'.repeat(52);
const b = 'b'.repeat(52);

const refuses = test.macro({
  exec(t, scheme: 'gbn' | number) {
    const core = receiverWith(options);
    expectSteps(
      t,
      core,
      [
        { at: 0, in: start(w, file, { scheme }), out: ['ABORT UNSUPPORTED_ARQ'], next: 200 },
        { at: 200, timeout: true, out: ['ABORT UNSUPPORTED_ARQ'], next: 400 },
        { at: 250, in: abortAck(w), out: [], next: null },
      ],
      isn,
    );
    t.like(core.failure, { code: 'UNSUPPORTED_ARQ', remote: false });
    t.is(core.announcement, null);
  },
  title: (_, scheme) =>
    `a START of scheme ${scheme} is refused with UNSUPPORTED_ARQ, repeated until ABORT_ACK`,
});
test(refuses, 'gbn');
test(refuses, 9);

test("the sender's ABORT: a wrong token is ignored, the right one ends it and is answered", (t) => {
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file, { scheme: 'sr' }), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: abort(w, 'TRANSFER_ABORTED', 0xbadn), out: [], next: 1_000 },
      { at: 20, in: abort(w, 'TRANSFER_ABORTED'), out: ['ABORT_ACK'], next: null },
      { at: 30, in: abort(w, 'TRANSFER_ABORTED'), out: ['ABORT_ACK'], next: null },
    ],
    isn,
  );
  t.like(core.failure, { code: 'TRANSFER_ABORTED', remote: true });
  t.like(core.stats(30), { ignored: 1 });
});

// Room for two packets (one is delivered at once), then none: the advertised window follows the
// room; room opening after a zero advertisement draws a window update at once, without any
// datagram from the sender.
test('the advertised window follows the room, and reopening from 0 is announced at once', (t) => {
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file, { scheme: 'sr' }), room: 120, out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: data(w, 1, a), room: 0, out: ['ACK +2 w1'], next: 1_010, delivered: 'a×52' },
      { at: 11, in: data(w, 2, b), room: 0, out: ['ACK +3 w0'], next: 1_011, delivered: 'b×52' },
      { at: 30, room: 1_000, out: ['ACK +3 w4'], next: 1_011 },
    ],
    isn,
  );
});

test('a hash that does not match: no FIN ACK, ABORT HASH_MISMATCH', (t) => {
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      {
        at: 0,
        in: start(w, file, { scheme: 'sr', sha256: Buffer.alloc(32, 1) }),
        out: ['ACK +1 w4'],
        next: 1_000,
      },
      { at: 10, in: [data(w, 1, a), data(w, 2, b)], out: ['ACK +3 w4'], next: 1_010 },
      { at: 20, in: fin(w, 3), out: ['ABORT HASH_MISMATCH'], next: 220 },
    ],
    isn,
  );
  t.like(core.failure, { code: 'HASH_MISMATCH', remote: false });
});

test('more bytes than announced: ABORT SIZE_MISMATCH', (t) => {
  const core = receiverWith(options);
  const short = letters(52, 1, 20);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, short, { scheme: 'sr' }), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: data(w, 1, a), out: ['ABORT SIZE_MISMATCH'], next: 210 },
    ],
    isn,
  );
  t.like(core.failure, { code: 'SIZE_MISMATCH' });
});

test('a FIN before all the bytes: ABORT SIZE_MISMATCH', (t) => {
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file, { scheme: 'sr' }), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: [data(w, 1, a), fin(w, 2)], out: ['ABORT SIZE_MISMATCH'], next: 210 },
    ],
    isn,
  );
});

test('silence for idleTimeoutMs: TRANSFER_TIMEOUT and ABORT', (t) => {
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file, { scheme: 'sr' }), out: ['ACK +1 w4'], next: 1_000 },
      { at: 500, in: data(w, 1, a), out: ['ACK +2 w4'], next: 1_500 },
      { at: 1_500, timeout: true, out: ['ABORT TRANSFER_TIMEOUT'], next: 1_700 },
    ],
    isn,
  );
  t.like(core.failure, { code: 'TRANSFER_TIMEOUT', remote: false });
});

test('a version 1 sender is told UNSUPPORTED_VERSION in its own format', (t) => {
  const v1 = Buffer.alloc(HEADER_BYTES + START_PAYLOAD_BYTES - 8);
  const datagram = sealPacket(v1, PacketType.START, ID, 0, START_PAYLOAD_BYTES - 8, 1);
  const core = receiverWith(options);
  expectSteps(t, core, [{ at: 0, in: datagram, out: ['V1 UNSUPPORTED_VERSION'], next: null }], isn);
  t.like(core.failure, { code: 'UNSUPPORTED_VERSION', remote: false });
});
