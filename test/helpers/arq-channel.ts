/**
 * A pure in-memory channel for transfer cores (any ArqSenderCore/ArqReceiverCore): a virtual
 * clock, datagrams in flight with a scheduled fate each (lost, duplicated, delayed: reordering
 * comes from unequal delays), and the driver loop of impl/arq/core.ts done synchronously.
 * Bounded: it stops after `maxSteps` events whatever the cores do.
 */
import { createHash } from 'node:crypto';
import type { ArqCore, ArqReceiverCore, ArqSenderCore } from '../../impl/arq/core.ts';
import { GbnReceiverCore } from '../../impl/arq/gbn-receiver.ts';
import { GbnSenderCore } from '../../impl/arq/gbn-sender.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { SrReceiverCore } from '../../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../../impl/arq/sr-sender.ts';

/** What happens to one datagram: `lost`, else delivered after `delayMs` (twice if `duplicate`). */
export interface Fate {
  lost: boolean;
  duplicate: boolean;
  delayMs: number;
  /** The extra delay of the duplicate copy. */
  duplicateDelayMs: number;
  /** One byte flipped on the way (the CRC must reject it). */
  corrupt?: boolean;
}

/** The fate of the n-th datagram sent (both directions share the sequence). */
export type Schedule = (n: number, toReceiver: boolean) => Fate;

export const lossless =
  (delayMs: number): Schedule =>
  () => ({ lost: false, duplicate: false, delayMs, duplicateDelayMs: 0 });

/** Repeats a list of fates (what fast-check generates and shrinks). */
export const cycle =
  (fates: readonly Fate[]): Schedule =>
  (n) =>
    fates[n % fates.length]!;

export interface ChannelRun {
  sender: ArqSenderCore;
  receiver: ArqReceiverCore;
  /** The file the sender offers (the channel reads it as the driver would). */
  file: Buffer;
  schedule: Schedule;
  /** Bytes the receiver's driver can buffer (setRoom); its writes complete at once. */
  roomBytes?: number;
  /** How long an ended core still takes datagrams and timeouts (its linger). */
  lingerMs?: number;
  maxSteps?: number;
  now?: number;
}

export interface ChannelResult {
  /** The bytes the receiver delivered, in order. */
  received: Buffer;
  /** False when `maxSteps` ran out before the channel went quiet. */
  settled: boolean;
  steps: number;
  /** Virtual time at the end. */
  now: number;
  datagrams: number;
}

interface InFlight {
  at: number;
  order: number;
  toReceiver: boolean;
  bytes: Buffer;
}

/** Every datagram due now, each copied (a core may reuse its buffers after the next call). */
export function drain(core: ArqCore, now: number): Buffer[] {
  const out: Buffer[] = [];
  for (let d = core.pollTransmit(now); d !== null; d = core.pollTransmit(now))
    out.push(Buffer.from(d));
  return out;
}

/** The file as the sender's driver reads it: front to back. */
export interface FileSource {
  readonly bytes: Buffer;
  offset: number;
}

/** The sender side of the driver loop: drain, offer what it wants from the file, drain again. */
export function serviceSender(sender: ArqSenderCore, file: FileSource, now: number): Buffer[] {
  const out = drain(sender, now);
  for (let wanted = sender.dataWanted(); wanted > 0; wanted = sender.dataWanted()) {
    const chunk = file.bytes.subarray(file.offset, file.offset + wanted);
    file.offset += chunk.length;
    sender.offerData(chunk);
    out.push(...drain(sender, now));
  }
  return out;
}

/** The receiver side: drain, take the data (written at once), give the room back. */
export function serviceReceiver(
  receiver: ArqReceiverCore,
  sink: Buffer[],
  roomBytes: number,
  now: number,
): Buffer[] {
  const out = drain(receiver, now);
  for (let b = receiver.takeData(); b !== null; b = receiver.takeData()) sink.push(Buffer.from(b));
  receiver.setRoom(roomBytes);
  out.push(...drain(receiver, now)); // a window update is due at once
  return out;
}

/** Runs the two cores over the channel until nothing is left to happen (or the step bound). */
export function runChannel(run: ChannelRun): ChannelResult {
  const { sender, receiver, file, schedule } = run;
  const roomBytes = run.roomBytes ?? Number.MAX_SAFE_INTEGER;
  const lingerMs = run.lingerMs ?? 3_000;
  const maxSteps = run.maxSteps ?? 100_000;
  const sink: Buffer[] = [];
  const source: FileSource = { bytes: file, offset: 0 };
  const flight: InFlight[] = [];
  let now = run.now ?? 0;
  let order = 0;
  let sent = 0;
  const endedAt = new Map<ArqCore, number>();
  const open = (core: ArqCore): boolean => {
    if (core.status === 'active') return true;
    if (!endedAt.has(core)) endedAt.set(core, now);
    return now <= endedAt.get(core)! + lingerMs;
  };
  const send = (datagrams: Buffer[], toReceiver: boolean): void => {
    for (const bytes of datagrams) {
      const fate = schedule(sent++, toReceiver);
      if (fate.lost) continue;
      if (fate.corrupt) bytes[fate.delayMs % bytes.length] ^= 0x5a;
      flight.push({ at: now + fate.delayMs, order: order++, toReceiver, bytes });
      if (fate.duplicate) {
        const at = now + fate.delayMs + fate.duplicateDelayMs;
        flight.push({ at, order: order++, toReceiver, bytes: Buffer.from(bytes) });
      }
    }
  };
  const service = (): void => {
    if (open(sender)) send(serviceSender(sender, source, now), true);
    if (open(receiver)) send(serviceReceiver(receiver, sink, roomBytes, now), false);
  };
  service();
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    let at = Number.POSITIVE_INFINITY;
    for (const d of flight) at = Math.min(at, d.at);
    for (const core of [sender, receiver]) {
      const deadline = open(core) ? core.pollTimeout() : null;
      if (deadline !== null) at = Math.min(at, Math.max(deadline, now));
    }
    if (at === Number.POSITIVE_INFINITY) return done(true);
    now = at;
    const due = flight.filter((d) => d.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
    for (const d of due) flight.splice(flight.indexOf(d), 1);
    for (const d of due) {
      const core = d.toReceiver ? receiver : sender;
      if (open(core)) core.handleDatagram(d.bytes, now);
    }
    for (const core of [sender, receiver]) {
      const deadline = open(core) ? core.pollTimeout() : null;
      if (deadline !== null && deadline <= now) core.handleTimeout(now);
    }
    service();
  }
  return done(false);

  function done(settled: boolean): ChannelResult {
    return { received: Buffer.concat(sink), settled, steps, now, datagrams: sent };
  }
}

/**
 * The end state every schedule must reach: nothing left active; what the receiver delivered is
 * a prefix of the file (never a wrong or reordered byte), the whole file if it is done; a done
 * sender implies a done receiver; every failure carries a code. Returns what is wrong, or null.
 */
export function outcomeProblem(
  run: Pick<ChannelRun, 'sender' | 'receiver' | 'file'>,
  result: ChannelResult,
): string | null {
  const { sender, receiver, file } = run;
  const { received } = result;
  if (!result.settled) return `still running after ${result.steps} steps`;
  if (sender.status === 'active' || receiver.status === 'active') {
    return `ended with sender ${sender.status}, receiver ${receiver.status}`;
  }
  if (!file.subarray(0, received.length).equals(received) || received.length > file.length) {
    return `delivered ${received.length} bytes that are not a prefix of the file`;
  }
  if (receiver.status === 'done' && received.length !== file.length) {
    return `receiver done with ${received.length} of ${file.length} bytes`;
  }
  if (sender.status === 'done' && receiver.status !== 'done') return 'sender done, receiver not';
  for (const [side, core] of [
    ['sender', sender],
    ['receiver', receiver],
  ] as const) {
    if (core.status === 'failed' && !core.failure?.code) return `${side} failed without a code`;
  }
  return null;
}

export const CHANNEL_TOKEN = 0x1234_5678_9abc_def0n;

/**
 * A sender and receiver of the scheme `options.arq` names (Go-Back-N by default), transfer id 9;
 * with `deferHash` START carries no SHA-256 and FIN does (impl/arq/file-digest.ts).
 */
export function corePair(
  file: Buffer,
  options: TransferOptionsInput,
  isn: number,
  deferHash = false,
): { sender: ArqSenderCore; receiver: ArqReceiverCore; file: Buffer } {
  const init = {
    transferId: 9,
    isn,
    token: CHANNEL_TOKEN,
    fileSize: file.length,
    sha256: deferHash ? null : createHash('sha256').update(file).digest(),
    options,
    now: 0,
  };
  const receiverInit = { transferId: 9, options, now: 0 };
  return options.arq === 'sr'
    ? { sender: new SrSenderCore(init), receiver: new SrReceiverCore(receiverInit), file }
    : { sender: new GbnSenderCore(init), receiver: new GbnReceiverCore(receiverInit), file };
}
