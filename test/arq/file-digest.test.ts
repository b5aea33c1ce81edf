/**
 * The hash deferred to FIN (impl/arq/file-digest.ts), on both schemes: a sender that was given no
 * SHA-256 sends START with flag bit 0 and a zero hash, hashes the bytes as they are offered and
 * puts the digest in FIN; the receiver checks what it delivered against FIN's digest, so a
 * wrong or missing one is HASH_MISMATCH (ABORT, nothing acknowledged) as with START's hash.
 */
import test from 'ava';
import {
  decodePacket,
  encodeFin,
  type FinPacket,
  PacketType,
  type StartPacket,
  sealPacket,
} from '../../impl/arq/codec.ts';
import type { ArqSenderCore } from '../../impl/arq/core.ts';
import { START_FLAGS } from '../../impl/arq/file-digest.ts';
import { GbnReceiverCore } from '../../impl/arq/gbn-receiver.ts';
import { GbnSenderCore } from '../../impl/arq/gbn-sender.ts';
import { SrReceiverCore } from '../../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../../impl/arq/sr-sender.ts';
import { serviceSender } from '../helpers/arq-channel.ts';
import { checkProperty, deliversOrFailsWithACode, optionsArb } from '../helpers/arq-properties.ts';
import { ack, data, expectSteps, fin, ID, letters, sha, start, TOKEN } from './packets.ts';

const isn = 1_000;
const w = { isn };
const file = letters(52, 3, 10);
const schemes = ['gbn', 'sr'] as const;
type Arq = (typeof schemes)[number];
const options = (arq: Arq) =>
  ({
    arq,
    packetSize: 68,
    window: 4,
    rto: { mode: 'fixed', ms: 100 },
    ack: { packets: 1, delayMs: 1 },
    idleTimeoutMs: 5_000,
  }) as const;

function sender(arq: Arq, sha256: Buffer | null): ArqSenderCore {
  const init = { transferId: ID, isn, token: TOKEN, fileSize: file.length, sha256, now: 0 };
  return arq === 'sr'
    ? new SrSenderCore({ ...init, options: options(arq) })
    : new GbnSenderCore({ ...init, options: options(arq) });
}
const receiver = (arq: Arq) =>
  arq === 'sr'
    ? new SrReceiverCore({ transferId: ID, options: options(arq), now: 0 })
    : new GbnReceiverCore({ transferId: ID, options: options(arq), now: 0 });
const hashInFinStart = (arq: Arq) => start(w, file, { scheme: arq, hashInFin: true });

for (const arq of schemes) {
  test(`${arq} sender without a hash: START defers it, FIN carries the digest of what was sent`, (t) => {
    const core = sender(arq, null);
    const source = { bytes: file, offset: 0 };
    const [startDatagram] = serviceSender(core, source, 0);
    const announced = decodePacket(startDatagram!) as StartPacket;
    t.is(announced.flags, START_FLAGS.HASH_IN_FIN);
    t.true(announced.sha256.equals(Buffer.alloc(32)), 'the SHA-256 field is zero');
    t.is(core.sha256, undefined, 'not known before every byte was offered');
    core.handleDatagram(ack(w, 1), 10);
    const out = serviceSender(core, source, 10).map((d) => decodePacket(d));
    t.deepEqual(
      out.map((p) => p.kind),
      ['data', 'data', 'data', 'fin'],
    );
    t.true((out[3] as FinPacket).sha256?.equals(sha(file)), 'FIN carries the file SHA-256');
    t.deepEqual(core.sha256, sha(file));
  });

  test(`${arq} sender with a hash: START carries it, FIN stays empty`, (t) => {
    const core = sender(arq, sha(file));
    const source = { bytes: file, offset: 0 };
    const announced = decodePacket(serviceSender(core, source, 0)[0]!) as StartPacket;
    t.is(announced.flags, 0);
    t.true(announced.sha256.equals(sha(file)));
    core.handleDatagram(ack(w, 1), 10);
    const last = decodePacket(serviceSender(core, source, 10).at(-1)!) as FinPacket;
    t.is(last.kind, 'fin');
    t.is(last.sha256, undefined);
  });

  test(`${arq} receiver: a deferred hash is checked against FIN's, then FIN is acknowledged`, (t) => {
    const core = receiver(arq);
    expectSteps(
      t,
      core,
      [
        { at: 0, in: hashInFinStart(arq), out: ['ACK +1 w4'], next: 5_000 },
        { at: 10, in: data(w, 1, 'a'.repeat(52)), out: ['ACK +2 w4'], next: 5_010 },
        { at: 11, in: data(w, 2, 'b'.repeat(52)), out: ['ACK +3 w4'], next: 5_011 },
        { at: 12, in: data(w, 3, 'c'.repeat(10)), out: ['ACK +4 w4'], next: 5_012 },
        { at: 13, in: fin(w, 4, sha(file)), out: ['ACK +5 w4'], next: 213 },
      ],
      isn,
    );
    t.is(core.status, 'done');
    t.like(core.announcement, { fileSize: file.length, hashInFin: true });
  });

  const mismatch = test.macro(async (t, finHash: Buffer | undefined, reason: RegExp) => {
    const core = receiver(arq);
    expectSteps(
      t,
      core,
      [
        { at: 0, in: hashInFinStart(arq), out: ['ACK +1 w4'], next: 5_000 },
        { at: 10, in: data(w, 1, 'a'.repeat(52)), out: ['ACK +2 w4'], next: 5_010 },
        { at: 11, in: data(w, 2, 'b'.repeat(52)), out: ['ACK +3 w4'], next: 5_011 },
        { at: 12, in: data(w, 3, 'c'.repeat(10)), out: ['ACK +4 w4'], next: 5_012 },
        // No ACK of FIN: the sender must not believe the file arrived.
        { at: 13, in: fin(w, 4, finHash), out: ['ABORT HASH_MISMATCH'], next: 213 },
      ],
      isn,
    );
    t.is(core.status, 'failed');
    t.is(core.failure?.code, 'HASH_MISMATCH');
    t.regex(core.failure?.message ?? '', reason);
  });
  test(
    `${arq} receiver: FIN with another file's digest is HASH_MISMATCH`,
    mismatch,
    sha(Buffer.from('another file')),
    /does not match/,
  );
  test(
    `${arq} receiver: FIN without the deferred digest is HASH_MISMATCH`,
    mismatch,
    undefined,
    /FIN carries none/,
  );

  test(`${arq} receiver: a FIN digest that contradicts START's is HASH_MISMATCH`, (t) => {
    const core = receiver(arq);
    core.handleDatagram(start(w, file, { scheme: arq }), 0);
    for (const [i, bytes] of ['a'.repeat(52), 'b'.repeat(52), 'c'.repeat(10)].entries()) {
      core.handleDatagram(data(w, i + 1, bytes), 10 + i);
      while (core.takeData() !== null);
    }
    core.handleDatagram(fin(w, 4, sha(Buffer.from('another file'))), 20);
    t.is(core.failure?.code, 'HASH_MISMATCH');
  });

  test(`${arq} pair with the hash deferred to FIN: any schedule delivers the file or fails with a code`, (t) => {
    checkProperty(t, deliversOrFailsWithACode(optionsArb(arq, 16), true), 150);
  });
}

test('FIN carries nothing or exactly a SHA-256; other lengths are BAD_LENGTH', (t) => {
  const digest = sha(file);
  t.like(decodePacket(encodeFin(ID, 5)), { kind: 'fin', seq: 5, sha256: undefined });
  t.true((decodePacket(encodeFin(ID, 5, digest)) as FinPacket).sha256?.equals(digest));
  t.throws(() => encodeFin(ID, 5, Buffer.alloc(31)), { instanceOf: RangeError });
  // A well-sealed FIN (right CRC) with 31 bytes of payload.
  const odd = sealPacket(Buffer.alloc(16 + 31), PacketType.FIN, ID, 5, 31);
  t.like(decodePacket(odd), { kind: 'invalid', reason: 'BAD_LENGTH' });
});
