import test from 'ava';
import { decodePacket } from '../../impl/arq/codec.ts';
import { GbnReceiverCore } from '../../impl/arq/gbn-receiver.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { abortAck, data, expectSteps, fin, ID, letters, start } from './packets.ts';

// Packet-exact vectors for the Go-Back-N receiver: an ACK after 2 in-order packets (half the
// sender's N = 4) or 5 ms after the first unacknowledged one, 1 s idle timeout.
const isn = 5_000;
const w = { isn };
const options = { packetSize: 68, ack: { packets: 2, delayMs: 5 }, idleTimeoutMs: 1_000 } as const;
const file = letters(52, 3, 10);
const receiver = (extra: TransferOptionsInput = {}) =>
  new GbnReceiverCore({ transferId: ID, options: { ...options, ...extra }, now: 0 });
const a = data(w, 1, 'a'.repeat(52));
const b = data(w, 2, 'b'.repeat(52));
const c = data(w, 3, 'c'.repeat(10));

test('in-order delivery: an ACK per 2 packets or after 5 ms, FIN acknowledged once the hash matches', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: a, out: [], next: 15, delivered: 'a×52' },
      { at: 11, in: b, out: ['ACK +3 w4'], next: 1_011, delivered: 'b×52' },
      { at: 12, in: c, out: [], next: 17, delivered: 'c×10' },
      // The final ACK goes out again twice, 200 ms apart: the sender learns of success only
      // from it, and a lost one would keep it retrying FIN past our linger.
      { at: 13, in: fin(w, 4), out: ['ACK +5 w4'], next: 213 },
      { at: 213, timeout: true, out: ['ACK +5 w4'], next: 413 },
      { at: 413, timeout: true, out: ['ACK +5 w4'], next: null },
      // Lingering: the sender did not hear our ACKs of FIN and sends FIN again: answered, and
      // repeated again.
      { at: 500, in: fin(w, 4), out: ['ACK +5 w4'], next: 700 },
      { at: 520, in: fin(w, 4), out: ['ACK +5 w4'], next: 700 },
      { at: 700, timeout: true, out: ['ACK +5 w4'], next: 900 },
    ],
    isn,
  );
  t.is(core.status, 'done');
  t.like(core.announcement, { fileSize: 114, window: 4, scheme: 'gbn' });
  t.like(core.stats(500), { bytes: 114, packetsReceived: 7, packetsSent: 8, duplicates: 2 });
});

test('the delayed ACK goes out when its 5 ms are up', (t) => {
  expectSteps(
    t,
    receiver(),
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: a, out: [], next: 15 },
      { at: 15, timeout: true, out: ['ACK +2 w4'], next: 1_010 },
    ],
    isn,
  );
});

test('a lost DATA: later packets are dropped and each draws a duplicate ACK at once', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: b, out: ['ACK +1 w4'], next: 1_010, delivered: '' },
      { at: 11, in: c, out: ['ACK +1 w4'], next: 1_011 },
      { at: 12, in: fin(w, 4), out: ['ACK +1 w4'], next: 1_012 },
      // Go-Back-N: the sender sends the window again from the lost packet.
      { at: 110, in: [a, b], out: ['ACK +3 w4'], next: 1_110, delivered: 'a×52 b×52' },
    ],
    isn,
  );
  t.like(core.stats(110), { outOfOrder: 3, duplicates: 0, bytes: 104 });
});

test('a duplicate DATA (our ACK was lost) is acknowledged at once and not delivered twice', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: [a, b], out: ['ACK +3 w4'], next: 1_010, delivered: 'a×52 b×52' },
      { at: 110, in: a, out: ['ACK +3 w4'], next: 1_110, delivered: '' },
    ],
    isn,
  );
  t.is(core.stats(110).duplicates, 1);
});

test('a burst taken in before one drain costs one ACK reflecting the latest state', (t) => {
  const many = letters(52, 8);
  const p = (i: number) => data(w, i, String.fromCharCode(96 + i).repeat(52));
  expectSteps(
    t,
    receiver(),
    [
      { at: 0, in: start(w, many), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: [p(1), p(2), p(3), p(4)], out: ['ACK +5 w4'], next: 1_010 },
      // A stray after in-order packets: their ACK moves the sender's base (no duplicate), so the
      // stray draws one more; without it a hole right after a burst drew one duplicate too few
      // (Go-Back-N at N = 4, lan, 1 % loss: 55 timeouts per 21.76 MB instead of 7).
      { at: 11, in: [p(5), p(7)], out: ['ACK +6 w4', 'ACK +6 w4'], next: 1_011 },
    ],
    isn,
  );
});

// RFC 5681: a duplicate ACK per out-of-order segment. Packets behind a hole often arrive as one
// burst (one drain); one ACK for all of them would leave the sender short of its 3 duplicates, and
// the loss to its timeout (the old engine sent them one by one: 1-4 more timeouts per 21 MB).
test('a burst behind a hole draws a duplicate ACK per packet (4 at most), in one drain', (t) => {
  const many = letters(52, 8);
  const p = (i: number) => data(w, i, String.fromCharCode(96 + i).repeat(52));
  const dup = 'ACK +1 w4';
  expectSteps(
    t,
    receiver(),
    [
      { at: 0, in: start(w, many), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: [p(2), p(3), p(4)], out: [dup, dup, dup], next: 1_010 },
      // The 4th stray draws one more; the 5th waits for the delayed ACK, which this one is.
      { at: 11, in: [p(5), p(6)], out: [dup], next: 1_011 },
      // The hole filled, then a stray in the same drain: the new point, and its duplicate.
      { at: 12, in: [p(1), p(3)], out: ['ACK +2 w4', 'ACK +2 w4'], next: 1_012 },
    ],
    isn,
  );
});

test('reordering beyond the window: 4 immediate duplicate ACKs, then stragglers wait the delay', (t) => {
  const many = letters(52, 8);
  const p = (i: number) => data(w, i, String.fromCharCode(96 + i).repeat(52));
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, many), out: ['ACK +1 w4'], next: 1_000 },
      { at: 10, in: p(2), out: ['ACK +1 w4'], next: 1_010 },
      { at: 11, in: p(3), out: ['ACK +1 w4'], next: 1_011 },
      { at: 12, in: p(4), out: ['ACK +1 w4'], next: 1_012 },
      { at: 13, in: p(5), out: ['ACK +1 w4'], next: 1_013 },
      { at: 14, in: p(6), out: [], next: 19 },
      { at: 15, in: p(7), out: [], next: 19 },
      { at: 19, timeout: true, out: ['ACK +1 w4'], next: 1_015 },
      // The expected packet resets the count: gaps after it are reported at once again.
      { at: 20, in: [p(1), p(3)], out: ['ACK +2 w4', 'ACK +2 w4'], next: 1_020 },
    ],
    isn,
  );
  t.is(core.stats(20).outOfOrder, 7);
});

test('a START of an unknown scheme: UNSUPPORTED_ARQ, ABORT every 200 ms until ABORT_ACK', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file, { scheme: 9 }), out: ['ABORT UNSUPPORTED_ARQ'], next: 200 },
      { at: 200, timeout: true, out: ['ABORT UNSUPPORTED_ARQ'], next: 400 },
      { at: 250, in: abortAck(w), out: [], next: null },
    ],
    isn,
  );
  t.like(core.failure, { code: 'UNSUPPORTED_ARQ', remote: false });
  t.regex(core.failure!.message, /unknown scheme 9/);
  t.is(core.announcement, null);
});

test('a Selective Repeat START to a Go-Back-N receiver: UNSUPPORTED_ARQ naming both', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [{ at: 0, in: start(w, file, { scheme: 'sr' }), out: ['ABORT UNSUPPORTED_ARQ'], next: 200 }],
    isn,
  );
  t.is(core.failure?.message, 'the sender runs sr, this receiver runs gbn');
});

test('sequence numbers wrap at 2^32: ISN 0xffffffff puts DATA +1 at 0 and the FIN ACK at 3', (t) => {
  const wrap = { isn: 0xffff_ffff };
  const two = letters(52, 2);
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(wrap, two), out: ['ACK +1 w4'], next: 1_000 },
      {
        at: 1,
        in: [data(wrap, 1, 'a'.repeat(52)), data(wrap, 2, 'b'.repeat(52))],
        out: ['ACK +3 w4'],
        next: 1_001,
      },
      { at: 2, in: fin(wrap, 3), out: ['ACK +4 w4'], next: 202 },
    ],
    wrap.isn,
  );
  t.is(core.status, 'done');
  core.handleDatagram(fin(wrap, 3), 3);
  t.like(decodePacket(core.pollTransmit(3)!), { kind: 'ack', seq: 3 });
});

test('advertised window: room for 2 packets says 2, no room says 0, room again updates at once', (t) => {
  const core = receiver();
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(w, file), out: ['ACK +1 w4'], next: 1_000, room: 104 },
      { at: 10, in: a, out: [], next: 15, room: 104 },
      { at: 15, timeout: true, out: ['ACK +2 w2'], next: 1_010, room: 0 },
      // Past the window: still accepted (never drop what arrived), the ACK says 0.
      { at: 20, in: [b, c], out: ['ACK +4 w0'], next: 1_020, room: 0 },
      { at: 50, out: ['ACK +4 w4'], next: 1_020 },
      { at: 60, out: [], next: 1_020 },
    ],
    isn,
  );
  t.is(core.stats(60).bytes, 114);
});
