/**
 * Selective Repeat additions to the vector helpers of packets.ts: ACKs with a SACK bitmap, and a
 * description that shows the bitmap (`ACK +2 w4 sack +4 +5`), with a player and checker using it.
 */
import { decodePacket, encodeAck, seqAdd, seqDiff } from '../../impl/arq/codec.ts';
import type { ArqCore, ArqReceiverCore, ArqSenderCore } from '../../impl/arq/core.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { SrReceiverCore } from '../../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../../impl/arq/sr-sender.ts';
import { type FileSource, serviceReceiver, serviceSender } from '../helpers/arq-channel.ts';
import { describe, ID, type Step, sha, TOKEN, type Wire } from './packets.ts';

/** A Selective Repeat sender of `file` with transfer id ID, token TOKEN, ISN `isn`. */
export function senderAt(file: Buffer, options: TransferOptionsInput, isn: number): SrSenderCore {
  return new SrSenderCore({
    transferId: ID,
    isn,
    token: TOKEN,
    fileSize: file.length,
    sha256: sha(file),
    options,
    now: 0,
  });
}

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

/** packets.ts's description, plus the SACKed offsets of an ACK. */
export function describeSr(datagram: Buffer, isn: number): string {
  const line = describe(datagram, isn);
  const p = decodePacket(datagram);
  if (p.kind !== 'ack' || p.sack.length === 0) return line;
  const next = seqDiff(p.seq, isn);
  const held: string[] = [];
  for (let i = 0; i < p.sack.length * 8; i++) {
    if ((p.sack[i >> 3]! & (0x80 >> (i & 7))) !== 0) held.push(`+${next + 1 + i}`);
  }
  return `${line} sack ${held.join(' ')}`;
}

/** Runs `steps` through `core` as the driver would; asserts outputs, deadlines, deliveries. */
export function expectSrSteps(
  t: {
    deepEqual: (a: unknown, b: unknown, m?: string) => void;
    false: (v: boolean, m?: string) => void;
  },
  core: ArqCore,
  steps: readonly Step[],
  isn: number,
  file?: Buffer,
): void {
  const source: FileSource = { bytes: file ?? Buffer.alloc(0), offset: 0 };
  steps.forEach((step, i) => {
    const name = `step ${i} at ${step.at} ms`;
    const inputs = step.in === undefined ? [] : Array.isArray(step.in) ? step.in : [step.in];
    for (const d of inputs) core.handleDatagram(d, step.at);
    if (step.timeout) {
      const deadline = core.pollTimeout();
      t.false(deadline === null || deadline > step.at, `${name}: the timer was not due`);
      core.handleTimeout(step.at);
    }
    if (step.abort !== undefined) core.abort(step.abort, 'given up by the test', step.at);
    const sink: Buffer[] = [];
    const out =
      'dataWanted' in core
        ? serviceSender(core as ArqSenderCore, source, step.at)
        : serviceReceiver(core as ArqReceiverCore, sink, step.room ?? 1 << 30, step.at);
    t.deepEqual(
      out.map((d) => describeSr(d, isn)),
      step.out,
      `${name}: datagrams out`,
    );
    t.deepEqual(core.pollTimeout(), step.next, `${name}: next deadline`);
    if (step.delivered !== undefined) {
      const delivered = sink.map((b) => `${String.fromCharCode(b[0]!)}×${b.length}`).join(' ');
      t.deepEqual(delivered, step.delivered, `${name}: delivered`);
    }
  });
}

/** A Selective Repeat receiver with transfer id ID. */
export function receiverWith(options: TransferOptionsInput): SrReceiverCore {
  return new SrReceiverCore({ transferId: ID, options, now: 0 });
}
