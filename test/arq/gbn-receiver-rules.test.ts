import test from 'ava';
import { encodeData, HEADER_BYTES, PacketType, sealPacket } from '../../impl/arq/codec.ts';
import { GbnReceiverCore } from '../../impl/arq/gbn-receiver.ts';
import {
  abort,
  abortAck,
  ack,
  data,
  expectSteps,
  fin,
  ID,
  letters,
  sha,
  start,
} from './packets.ts';

// Packet-exact vectors for the receiver's rules: the checks at FIN, the idle timeout, old
// peers, ABORT both ways, and datagrams that must change nothing.
const isn = 0x8000_0000;
const w = { isn };
const options = { packetSize: 68, ack: { packets: 2, delayMs: 5 }, idleTimeoutMs: 1_000 } as const;
const file = letters(52, 2);
const receiver = () => new GbnReceiverCore({ transferId: ID, options, now: 0 });
const a = data(w, 1, 'a'.repeat(52));
const b = data(w, 2, 'b'.repeat(52));

test('a file that does not match its SHA-256: HASH_MISMATCH, the FIN is never acknowledged', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      {
        at: 0,
        in: start(w, file, { sha256: sha(Buffer.from('another file')) }),
        out: ['ACK +1 w4'],
        next: 1_000,
      },
      { at: 10, in: [a, b], out: ['ACK +3 w4'], next: 1_010 },
      { at: 11, in: fin(w, 3), out: ['ABORT HASH_MISMATCH'], next: 211 },
      { at: 211, timeout: true, out: ['ABORT HASH_MISMATCH'], next: 411 },
      { at: 300, in: abortAck(w), out: [], next: null },
    ],
    isn,
  );
  t.like(core.failure, { code: 'HASH_MISMATCH', remote: false });
});

test('a FIN before the announced size: SIZE_MISMATCH', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: a, out: [], next: 15 },
      { at: 11, in: fin(w, 2), out: ['ABORT SIZE_MISMATCH'], next: 211 },
    ],
    isn,
  );
  t.is(core.failure?.message, 'received 52 bytes of 104');
});

test('more data than announced: SIZE_MISMATCH at the packet that overflows', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: [a, b, data(w, 3, 'c')], out: ['ABORT SIZE_MISMATCH'], next: 210 },
    ],
    isn,
  );
  t.is(core.stats(10).bytes, 104);
});

test('nothing from the sender for idleTimeoutMs: TRANSFER_TIMEOUT and ABORT', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 600, in: a, out: [], next: 605 },
      { at: 605, timeout: true, out: ['ACK +2 w4'], next: 1_600 },
      { at: 1_600, timeout: true, out: ['ABORT TRANSFER_TIMEOUT'], next: 1_800 },
    ],
    isn,
  );
  t.like(core.failure, { code: 'TRANSFER_TIMEOUT', remote: false });
});

test('a sender never heard from: TRANSFER_TIMEOUT without an ABORT to nobody', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, out: [], next: 1_000 },
      { at: 1_000, timeout: true, out: [], next: null },
    ],
    isn,
  );
  t.is(core.failure?.code, 'TRANSFER_TIMEOUT');
});

test('a version 1 sender is told UNSUPPORTED_VERSION in version 1, each time it asks', (t) => {
  const old = Buffer.alloc(HEADER_BYTES + 3);
  const v1 = sealPacket(old, PacketType.DATA, ID, 1, 3, 1);
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: v1, out: ['V1 UNSUPPORTED_VERSION'], next: null },
      { at: 200, in: v1, out: ['V1 UNSUPPORTED_VERSION'], next: null },
    ],
    isn,
  );
  t.like(core.failure, { code: 'UNSUPPORTED_VERSION', remote: false });
});

test("the sender's ABORT with the token fails the transfer (remote) and is answered", (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: abort(w, 'TRANSFER_TIMEOUT'), out: ['ABORT_ACK'], next: null },
      { at: 20, in: abort(w, 'TRANSFER_TIMEOUT'), out: ['ABORT_ACK'], next: null },
    ],
    isn,
  );
  t.like(core.failure, {
    code: 'TRANSFER_TIMEOUT',
    remote: true,
    message: 'the sender aborted the transfer (TRANSFER_TIMEOUT)',
  });
});

test('an ABORT without the START token is ignored once START was seen', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: abort(w, 'TRANSFER_ABORTED', 0n), out: [], next: 1_000 },
    ],
    isn,
  );
  t.is(core.status, 'active');
  t.is(core.stats(10).ignored, 1);
});

test('DATA before START is not acknowledged (no token to echo) and counted out of order', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: a, out: [], next: 1_000 },
      { at: 5, in: start(w, file), out: ['ACK +1 w4'], next: 1_005 },
    ],
    isn,
  );
  t.is(core.stats(5).outOfOrder, 1);
});

test('START again (our ACK lost) is acknowledged again; a START with another token is ignored', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 200, in: start(w, file), out: ['ACK +1 w4'], next: 1_200 },
      { at: 300, in: start({ isn: 1, token: 2n }, file), out: [], next: 1_200 },
    ],
    isn,
  );
  t.like(core.stats(300), { duplicates: 1, ignored: 1 });
  t.like(core.announcement, { window: 4 });
});

test('datagrams of another transfer, ACKs and garbage change nothing', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      {
        at: 100,
        in: [
          encodeData(ID + 1, isn + 1, Buffer.from('x')),
          ack(w, 1),
          Buffer.from('garbage'),
          abortAck(w),
        ],
        out: [],
        next: 1_000,
      },
    ],
    isn,
  );
  t.is(core.stats(100).ignored, 4);
});

test('a window of 1024 acknowledges every ack.packets packets (half the window is no cap)', (t) => {
  const core = receiver();
  const many = letters(52, 4);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, many, { window: 1_024 }), out: ['ACK +1 w1024'], next: 1_000 },
      { at: 10, in: a, out: [], next: 15 },
      { at: 11, in: b, out: ['ACK +3 w1024'], next: 1_011 },
    ],
    isn,
  );
});

test('abort() sends ABORT with the token every 200 ms, 5 times at most', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, abort: 'IO_ERROR', out: ['ABORT IO_ERROR'], next: 210 },
      { at: 210, timeout: true, out: ['ABORT IO_ERROR'], next: 410 },
      { at: 410, timeout: true, out: ['ABORT IO_ERROR'], next: 610 },
      { at: 610, timeout: true, out: ['ABORT IO_ERROR'], next: 810 },
      { at: 810, timeout: true, out: ['ABORT IO_ERROR'], next: null },
    ],
    isn,
  );
  t.is(core.stats(810).packetsSent, 6);
});

test('a receiver core given Selective Repeat options refuses at once', (t) => {
  t.throws(() => new GbnReceiverCore({ transferId: ID, options: { arq: 'sr' }, now: 0 }), {
    code: 'BAD_ARGUMENT',
  } as never);
  t.throws(() => new GbnReceiverCore({ transferId: -1, now: 0 }), {
    code: 'BAD_ARGUMENT',
  } as never);
});
