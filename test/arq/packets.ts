/**
 * Small helpers for packet-exact vectors of any core (Go-Back-N or Selective Repeat): build
 * datagrams with sequence numbers relative to the ISN, and describe datagrams in one readable
 * line, e.g. `DATA +1 a×52`, `ACK +2 w16`, `ACK +2 w4 sack +4 +5` (SACKed offsets shown).
 */
import { createHash } from 'node:crypto';
import {
  decodePacket,
  encodeAbort,
  encodeAbortAck,
  encodeAck,
  encodeData,
  encodeFin,
  encodeStart,
  type Scheme,
  seqAdd,
  seqDiff,
} from '../../impl/arq/codec.ts';
import type { ArqCore, ArqReceiverCore, ArqSenderCore } from '../../impl/arq/core.ts';
import { START_FLAGS } from '../../impl/arq/file-digest.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { SrReceiverCore } from '../../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../../impl/arq/sr-sender.ts';
import type { ErrorCode } from '../../impl/errors.ts';
import { type FileSource, serviceReceiver, serviceSender } from '../helpers/arq-channel.ts';

export const ID = 7;
export const TOKEN = 0x5eed_0000_0000_0001n;

/** A file of `packets` packets of `payload` bytes: packet i is all letter i (a, b, c...). */
export function letters(payload: number, packets: number, lastLength = payload): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < packets; i++) {
    parts.push(Buffer.alloc(i === packets - 1 ? lastLength : payload, 97 + (i % 26)));
  }
  return Buffer.concat(parts);
}

export const sha = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();

export interface Wire {
  isn: number;
  token?: bigint;
  transferId?: number;
}

export const start = (
  w: Wire,
  file: Buffer,
  fields: { window?: number; scheme?: Scheme | number; sha256?: Buffer; hashInFin?: true } = {},
): Buffer =>
  encodeStart({
    transferId: w.transferId ?? ID,
    isn: w.isn,
    fileSize: file.length,
    sha256: fields.hashInFin ? Buffer.alloc(32) : (fields.sha256 ?? sha(file)),
    flags: fields.hashInFin ? START_FLAGS.HASH_IN_FIN : 0,
    window: fields.window ?? 4,
    scheme: fields.scheme ?? 'gbn',
    token: w.token ?? TOKEN,
  });
export const data = (w: Wire, rel: number, payload: string | Buffer): Buffer =>
  encodeData(w.transferId ?? ID, seqAdd(w.isn, rel), Buffer.from(payload));
/** A FIN; with `sha256`, the file's hash it carries when START deferred it. */
export const fin = (w: Wire, rel: number, sha256?: Buffer): Buffer =>
  encodeFin(w.transferId ?? ID, seqAdd(w.isn, rel), sha256);
export const ack = (w: Wire, rel: number, window = 4, token = w.token ?? TOKEN): Buffer =>
  encodeAck(w.transferId ?? ID, seqAdd(w.isn, rel), token, window);
/** Bitmap bit i set for each `held` offset (relative to the ISN) at `next + 1 + i`. */
export function bitmap(next: number, held: readonly number[]): Buffer {
  const top = Math.max(next, ...held);
  const map = Buffer.alloc(Math.ceil((top - next) / 8));
  for (const rel of held) map[(rel - next - 1) >> 3]! |= 0x80 >> ((rel - next - 1) & 7);
  return map;
}
/** An ACK of everything before `next` (relative), SACKing the `held` offsets. */
export const sack = (
  w: Wire,
  next: number,
  held: readonly number[] = [],
  window = 4,
  token = w.token ?? TOKEN,
): Buffer =>
  encodeAck(
    w.transferId ?? ID,
    seqAdd(w.isn, next),
    token,
    window,
    held.length > 0 ? bitmap(next, held) : undefined,
  );
export const abort = (w: Wire, code: ErrorCode, token = w.token ?? TOKEN): Buffer =>
  encodeAbort(w.transferId ?? ID, code, token);
export const abortAck = (w: Wire): Buffer => encodeAbortAck(w.transferId ?? ID);

/** One line per datagram; sequence numbers relative to the ISN, a token other than TOKEN shown. */
export function describe(datagram: Buffer, isn: number): string {
  const p = decodePacket(datagram);
  const rel = (seq: number) => {
    const d = seqDiff(seq, isn);
    return d >= 0 ? `+${d}` : `${d}`;
  };
  const token = (t: bigint) => (t === TOKEN ? '' : ` token=${t}`);
  switch (p.kind) {
    case 'invalid':
      return p.reason === 'OLD_VERSION' ? `V1 ${datagram.toString('latin1', 16)}` : p.reason;
    case 'start':
      return `START ${rel(p.seq)} n${p.window}${token(p.token)}${p.flags & START_FLAGS.HASH_IN_FIN ? ' hash-in-FIN' : ''}`;
    case 'data':
      return p.payload.length === 0
        ? `DATA ${rel(p.seq)} empty`
        : `DATA ${rel(p.seq)} ${String.fromCharCode(p.payload[0]!)}×${p.payload.length}`;
    case 'fin':
      return p.sha256 === undefined
        ? `FIN ${rel(p.seq)}`
        : `FIN ${rel(p.seq)} sha256 ${p.sha256.toString('hex', 0, 4)}…`;
    case 'ack':
      return `ACK ${rel(p.seq)} w${p.window}${token(p.token)}${sacked(p.sack, seqDiff(p.seq, isn))}`;
    case 'abort':
      return `ABORT ${p.code}${token(p.token)}`;
    case 'abort-ack':
      return 'ABORT_ACK';
  }
}

/** ` sack +4 +5`: the offsets a SACK bitmap holds past `next` (nothing without a bitmap). */
function sacked(map: Buffer, next: number): string {
  const held: string[] = [];
  for (let i = 0; i < map.length * 8; i++) {
    if ((map[i >> 3]! & (0x80 >> (i & 7))) !== 0) held.push(`+${next + 1 + i}`);
  }
  return map.length === 0 ? '' : ` sack ${held.join(' ')}`;
}

/** One step of a vector: at `at`, datagrams in (or the timer), then what goes out. */
export interface Step {
  at: number;
  in?: Buffer | Buffer[];
  /** Run handleTimeout (the step's time must have reached pollTimeout()). */
  timeout?: true;
  /** Receiver: the room its driver reports after taking the data. */
  room?: number;
  /** Call abort(code) before draining. */
  abort?: ErrorCode;
  out: string[];
  /** pollTimeout() after the step. */
  next: number | null;
  /** Receiver: the data delivered in this step (letters, e.g. 'a×52 b×52'). */
  delivered?: string;
}

/** Runs the steps through `core` as the driver would and returns what happened at each. */
export function play(
  core: ArqSenderCore | ArqReceiverCore,
  steps: readonly Step[],
  isn: number,
  file?: Buffer,
): { out: string[]; next: number | null; delivered: string; early: boolean }[] {
  const source: FileSource = { bytes: file ?? Buffer.alloc(0), offset: 0 };
  return steps.map((step) => {
    const inputs = step.in === undefined ? [] : Array.isArray(step.in) ? step.in : [step.in];
    for (const d of inputs) core.handleDatagram(d, step.at);
    let early = false;
    if (step.timeout) {
      const deadline = core.pollTimeout();
      early = deadline === null || deadline > step.at;
      core.handleTimeout(step.at);
    }
    if (step.abort !== undefined) core.abort(step.abort, 'given up by the test', step.at);
    const sink: Buffer[] = [];
    const out =
      'dataWanted' in core
        ? serviceSender(core, source, step.at)
        : serviceReceiver(core, sink, step.room ?? 1 << 30, step.at);
    const delivered = sink.map((b) => `${String.fromCharCode(b[0]!)}×${b.length}`).join(' ');
    return { out: out.map((d) => describe(d, isn)), next: core.pollTimeout(), delivered, early };
  });
}

/** Asserts every step's output, deadline and (receiver) delivery, naming the step that differs. */
export function expectSteps(
  t: {
    deepEqual: (a: unknown, b: unknown, m?: string) => void;
    false: (v: boolean, m?: string) => void;
  },
  core: ArqCore,
  steps: readonly Step[],
  isn: number,
  file?: Buffer,
): void {
  const actual = play(core as ArqSenderCore | ArqReceiverCore, steps, isn, file);
  steps.forEach((step, i) => {
    const got = actual[i]!;
    const name = `step ${i} at ${step.at} ms`;
    t.false(got.early, `${name}: the timer was not due`);
    t.deepEqual(got.out, step.out, `${name}: datagrams out`);
    t.deepEqual(got.next, step.next, `${name}: next deadline`);
    if (step.delivered !== undefined)
      t.deepEqual(got.delivered, step.delivered, `${name}: delivered`);
  });
}

/** A Selective Repeat sender of `file` with transfer id ID, token TOKEN, ISN `isn`. */
export function senderAt(
  file: Buffer,
  options: TransferOptionsInput,
  isn: number,
  deferHash = false,
): SrSenderCore {
  return new SrSenderCore({
    transferId: ID,
    isn,
    token: TOKEN,
    fileSize: file.length,
    sha256: deferHash ? null : sha(file),
    options,
    now: 0,
  });
}

/** A Selective Repeat receiver with transfer id ID. */
export function receiverWith(options: TransferOptionsInput): SrReceiverCore {
  return new SrReceiverCore({ transferId: ID, options, now: 0 });
}
