import test from 'ava';
import { decodePacket } from '../../impl/arq/codec.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { ack, expectSteps, letters, sack, senderAt } from './packets.ts';

// Packet-exact vectors for the Selective Repeat sender: 52-byte payloads (68-byte datagrams),
// sequence numbers relative to the ISN, a fixed 100 ms RTO, the textbook sender (no congestion
// control, an ACK per packet) with SACK-driven fast retransmit unless a test turns it off.
const isn = 1_000;
const w = { isn };
const srSender = (file: Buffer, options: TransferOptionsInput, at = isn) =>
  senderAt(file, options, at);
const textbook = {
  arq: 'sr',
  packetSize: 68,
  window: 4,
  rto: { mode: 'fixed', ms: 100 },
  congestion: 'none',
  fastRetransmit: true,
  ack: { packets: 1, delayMs: 1 },
} as const;

const threePackets = letters(52, 3, 10);
const sixPackets = letters(52, 6);

test('in-order delivery: START alone until acknowledged, then the window, done at the FIN ACK', (t) => {
  const core = srSender(threePackets, textbook);
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
      // Progress at 20: what is still out (nothing after it acknowledged) counts from there.
      { at: 20, in: sack(w, 2), out: [], next: 120 },
      { at: 21, in: sack(w, 5), out: [], next: null },
    ],
    isn,
    threePackets,
  );
  t.is(core.status, 'done');
  t.like(core.stats(21), { bytes: 114, packetsSent: 5, packetsReceived: 3, retransmits: 0 });
});

// The receiver SACKs what arrived past the hole; the third SACKed packet above it marks it lost
// (RFC 6675's DupThresh) and only that packet goes again, the window stays where it is.
test('a lost DATA: three SACKed packets above the hole resend the hole alone', (t) => {
  const core = srSender(sixPackets, textbook);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      {
        at: 10,
        in: ack(w, 1),
        out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×52', 'DATA +4 d×52'],
        next: 110,
      },
      { at: 20, in: sack(w, 1, [2]), out: [], next: 110 },
      { at: 21, in: sack(w, 1, [2, 3]), out: [], next: 110 },
      { at: 22, in: sack(w, 1, [2, 3, 4]), out: ['DATA +1 a×52'], next: 122 },
      { at: 32, in: sack(w, 5), out: ['DATA +5 e×52', 'DATA +6 f×52', 'FIN +7'], next: 132 },
      { at: 42, in: sack(w, 8), out: [], next: null },
    ],
    isn,
    sixPackets,
  );
  t.like(core.stats(42), { retransmits: 1, fastRetransmits: 1, timeouts: 0, duplicates: 0 });
});

test('a lost DATA without fast retransmit: its own timeout resends it alone', (t) => {
  const core = srSender(sixPackets, { ...textbook, fastRetransmit: false });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      {
        at: 10,
        in: ack(w, 1),
        out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×52', 'DATA +4 d×52'],
        next: 110,
      },
      {
        at: 22,
        in: [sack(w, 1, [2]), sack(w, 1, [2, 3]), sack(w, 1, [2, 3, 4])],
        out: [],
        next: 110,
      },
      { at: 110, timeout: true, out: ['DATA +1 a×52'], next: 210 },
      { at: 120, in: sack(w, 5), out: ['DATA +5 e×52', 'DATA +6 f×52', 'FIN +7'], next: 220 },
    ],
    isn,
    sixPackets,
  );
  t.like(core.stats(120), { retransmits: 1, fastRetransmits: 0, timeouts: 1 });
});

test('a lost ACK costs nothing: the next one covers it; a repeated ACK is a duplicate', (t) => {
  const core = srSender(threePackets, textbook);
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
      // ACK +2 was lost; ACK +3 covers DATA +1 and +2 at once.
      { at: 21, in: sack(w, 3), out: [], next: 121 },
      { at: 22, in: sack(w, 3), out: [], next: 121 },
      { at: 23, in: sack(w, 5), out: [], next: null },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(23), { duplicates: 1, retransmits: 0, bytes: 114 });
});

// ISN 2^32 − 2: DATA +2 has sequence number 0, and the SACK bitmap is read across the wrap.
test('sequence numbers wrap at 2^32: a hole at sequence 0 is found and resent', (t) => {
  const wrapIsn = 0xffff_fffe;
  const ww = { isn: wrapIsn };
  const file = letters(52, 5);
  const core = srSender(file, textbook, wrapIsn);
  const steps = [
    { at: 0, out: ['START +0 n4'], next: 100 },
    {
      at: 10,
      in: ack(ww, 1),
      out: ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×52', 'DATA +4 d×52'],
      next: 110,
    },
    { at: 20, in: sack(ww, 2, [3, 4]), out: ['DATA +5 e×52'], next: 110 },
    { at: 30, in: sack(ww, 2, [3, 4, 5]), out: ['DATA +2 b×52'], next: 130 },
    { at: 40, in: sack(ww, 6), out: ['FIN +6'], next: 140 },
    { at: 50, in: sack(ww, 7), out: [], next: null },
  ];
  expectSteps(t, core, steps, wrapIsn, file);
  t.is(core.status, 'done');
  const resent = srSender(file, textbook, wrapIsn);
  resent.pollTransmit(0);
  resent.handleDatagram(ack(ww, 1), 10);
  resent.offerData(file.subarray(0, 104));
  resent.pollTransmit(10);
  const second = decodePacket(resent.pollTransmit(10)!);
  t.like(second, { kind: 'data', seq: 0 }); // the wire really wrapped
});

test('a window of 1 is stop-and-wait', (t) => {
  const file = letters(52, 2);
  const core = srSender(file, { ...textbook, window: 1 });
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n1'], next: 100 },
      { at: 10, in: ack(w, 1, 1), out: ['DATA +1 a×52'], next: 110 },
      { at: 20, in: sack(w, 2, [], 1), out: ['DATA +2 b×52'], next: 120 },
      { at: 30, in: sack(w, 3, [], 1), out: ['FIN +3'], next: 130 },
      { at: 40, in: sack(w, 4, [], 1), out: [], next: null },
    ],
    isn,
    file,
  );
});

test('a window of 1024: the whole window at once, a 1023-packet SACK resends only the hole', (t) => {
  const file = letters(52, 1030);
  const core = srSender(file, { ...textbook, window: 1024 });
  const data = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => {
      const rel = from + i;
      return `DATA +${rel} ${String.fromCharCode(97 + ((rel - 1) % 26))}×52`;
    });
  const held = Array.from({ length: 1023 }, (_, i) => i + 2);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n1024'], next: 100 },
      { at: 10, in: ack(w, 1, 1024), out: data(1, 1024), next: 110 },
      { at: 20, in: sack(w, 1, held, 1024), out: ['DATA +1 a×52'], next: 120 },
      { at: 30, in: sack(w, 1025, [], 1024), out: [...data(1025, 1030), 'FIN +1031'], next: 130 },
      { at: 40, in: sack(w, 1032, [], 1024), out: [], next: null },
    ],
    isn,
    file,
  );
  t.like(core.stats(40), { retransmits: 1, fastRetransmits: 1, packetsSent: 1033 });
});
