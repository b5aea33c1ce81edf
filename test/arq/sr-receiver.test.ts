import test from 'ava';
import { decodePacket } from '../../impl/arq/codec.ts';
import { data, expectSteps, fin, letters, receiverWith, start } from './packets.ts';

// Packet-exact vectors for the Selective Repeat receiver: every ACK carries the cumulative point,
// the advertised window and the SACK bitmap of what it holds past that point (shown as
// `sack +i ...`); an ACK per packet; sequence numbers relative to the ISN.
const isn = 5_000;
const w = { isn };
const options = {
  arq: 'sr',
  packetSize: 68,
  window: 4,
  ack: { packets: 1, delayMs: 1 },
  idleTimeoutMs: 5_000,
} as const;
const a = 'a'.repeat(52);
const b = 'b'.repeat(52);
const c = 'c'.repeat(52);
const d = 'd'.repeat(52);
const srStart = (file: Buffer, window = 4) => start(w, file, { window, scheme: 'sr' });

test('in-order delivery: an ACK per packet, FIN acknowledged once the hash matches, then again', (t) => {
  const file = letters(52, 3, 10);
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: srStart(file), out: ['ACK +1 w4'], next: 5_000 },
      { at: 10, in: data(w, 1, a), out: ['ACK +2 w4'], next: 5_010, delivered: 'a×52' },
      { at: 11, in: data(w, 2, b), out: ['ACK +3 w4'], next: 5_011, delivered: 'b×52' },
      { at: 12, in: data(w, 3, 'c'.repeat(10)), out: ['ACK +4 w4'], next: 5_012 },
      // The final ACK is repeated twice, 200 ms apart (a lost one would keep the sender trying).
      { at: 13, in: fin(w, 4), out: ['ACK +5 w4'], next: 213 },
      { at: 20, in: fin(w, 4), out: ['ACK +5 w4'], next: 213 },
      { at: 213, timeout: true, out: ['ACK +5 w4'], next: 413 },
      { at: 413, timeout: true, out: ['ACK +5 w4'], next: null },
    ],
    isn,
  );
  t.is(core.status, 'done');
  t.like(core.stats(20), { bytes: 114, duplicates: 1, outOfOrder: 0, packetsReceived: 6 });
  t.like(core.announcement, { fileSize: 114, window: 4, scheme: 'sr' });
});

test('a lost DATA: later packets are held and SACKed, the retransmission delivers them all', (t) => {
  const file = letters(52, 4);
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: srStart(file), out: ['ACK +1 w4'], next: 5_000 },
      { at: 10, in: data(w, 2, b), out: ['ACK +1 w4 sack +2'], next: 5_010, delivered: '' },
      { at: 11, in: data(w, 4, d), out: ['ACK +1 w4 sack +2 +4'], next: 5_011, delivered: '' },
      {
        at: 12,
        in: data(w, 1, a),
        out: ['ACK +3 w4 sack +4'],
        next: 5_012,
        delivered: 'a×52 b×52',
      },
      { at: 13, in: data(w, 3, c), out: ['ACK +5 w4'], next: 5_013, delivered: 'c×52 d×52' },
      { at: 14, in: fin(w, 5), out: ['ACK +6 w4'], next: 214 },
    ],
    isn,
  );
  t.is(core.status, 'done');
  t.like(core.stats(14), { outOfOrder: 2, duplicates: 0 });
});

test('duplicates are counted and re-acknowledged, held or already delivered', (t) => {
  const file = letters(52, 4);
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: srStart(file), out: ['ACK +1 w4'], next: 5_000 },
      { at: 10, in: [data(w, 1, a), data(w, 1, a)], out: ['ACK +2 w4'], next: 5_010 },
      { at: 11, in: [data(w, 3, c), data(w, 3, c)], out: ['ACK +2 w4 sack +3'], next: 5_011 },
      { at: 12, in: srStart(file), out: ['ACK +2 w4 sack +3'], next: 5_012 },
    ],
    isn,
  );
  t.like(core.stats(12), { duplicates: 3, outOfOrder: 1, bytes: 52 });
});

// Window 4: it holds offsets up to 3 past the cumulative point; one further is dropped (the
// sender may not have sent it: only a misbehaving or old duplicate gets there) and counted.
test('reordering beyond the window is dropped and counted, within it is held', (t) => {
  const file = letters(52, 6);
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: srStart(file), out: ['ACK +1 w4'], next: 5_000 },
      { at: 10, in: data(w, 5, 'e'.repeat(52)), out: ['ACK +1 w4'], next: 5_010 },
      { at: 11, in: data(w, 4, d), out: ['ACK +1 w4 sack +4'], next: 5_011 },
      {
        at: 12,
        in: [data(w, 1, a), data(w, 2, b), data(w, 3, c)],
        out: ['ACK +5 w4'],
        next: 5_012,
      },
    ],
    isn,
  );
  t.like(core.stats(12), { outOfOrder: 2, bytes: 4 * 52 });
});

test('sequence numbers wrap at 2^32: a packet at sequence 0 held ahead of 2^32 − 1', (t) => {
  const wrapIsn = 0xffff_fffe;
  const ww = { isn: wrapIsn };
  const file = letters(52, 2);
  const core = receiverWith(options);
  expectSteps(
    t,
    core,
    [
      { at: 0, in: start(ww, file, { scheme: 'sr' }), out: ['ACK +1 w4'], next: 5_000 },
      { at: 10, in: data(ww, 2, b), out: ['ACK +1 w4 sack +2'], next: 5_010 },
      { at: 11, in: data(ww, 1, a), out: ['ACK +3 w4'], next: 5_011, delivered: 'a×52 b×52' },
      { at: 12, in: fin(ww, 3), out: ['ACK +4 w4'], next: 212 },
    ],
    wrapIsn,
  );
  t.is(core.status, 'done');
  t.like(decodePacket(data(ww, 2, b)), { seq: 0 });
});

test('a window of 1 holds nothing out of order (stop-and-wait)', (t) => {
  const file = letters(52, 2);
  const core = receiverWith({ ...options, window: 1 });
  expectSteps(
    t,
    core,
    [
      { at: 0, in: srStart(file, 1), out: ['ACK +1 w1'], next: 5_000 },
      { at: 10, in: data(w, 2, b), out: ['ACK +1 w1'], next: 5_010 },
      { at: 11, in: data(w, 1, a), out: ['ACK +2 w1'], next: 5_011, delivered: 'a×52' },
    ],
    isn,
  );
  t.like(core.stats(11), { outOfOrder: 1 });
});

// Window 1024 with the first packet lost: the bitmap only reaches the highest packet held.
test('a window of 1024: SACK bitmaps as long as what is held, 128 bytes at most', (t) => {
  const file = letters(52, 1024);
  const core = receiverWith({ ...options, window: 1024 });
  core.handleDatagram(srStart(file, 1024), 0);
  core.pollTransmit(0);
  const ackAfter = (rels: number[]) => {
    for (const rel of rels)
      core.handleDatagram(data(w, rel, file.subarray((rel - 1) * 52, rel * 52)), 1);
    return decodePacket(core.pollTransmit(1)!);
  };
  const rest = Array.from({ length: 1023 }, (_, i) => i + 2);
  t.like(ackAfter(rest.slice(0, 8)), {
    kind: 'ack',
    seq: isn + 1,
    window: 1024,
    sack: Buffer.from([0xff]),
  });
  const full = ackAfter(rest.slice(8));
  t.is(full.kind === 'ack' && full.sack.length, 128);
  t.is(
    full.kind === 'ack' && full.sack.every((byte, i) => byte === (i === 127 ? 0xfe : 0xff)),
    true,
  );
  t.like(ackAfter([1]), { kind: 'ack', seq: isn + 1025, sack: Buffer.alloc(0) });
  let delivered = 0;
  for (let chunk = core.takeData(); chunk !== null; chunk = core.takeData())
    delivered += chunk.length;
  t.is(delivered, 1024 * 52);
});
