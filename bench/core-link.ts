/**
 * A sender core and a receiver core joined by a textbook link on a virtual clock, no Platform:
 * each direction serialises datagrams at `bandwidthBps` (an unlimited FIFO queue), adds `delayMs`
 * of propagation, and loses each datagram independently (`loss` for sender → receiver, `ackLoss`
 * the other way; a lost datagram still used the link). No reordering, no duplication: the setting
 * the analytic model describes, so core throughput can be compared with bench/model.ts.
 *
 * The loop is the driver's (impl/arq/core.ts): deliver the earliest event, drain both cores, feed
 * the sender file bytes, take the receiver's output and report unlimited room.
 */
import { createHash } from 'node:crypto';
import type { ArqReceiverCore, ArqSenderCore } from '../impl/arq/core.ts';
import type { TransferStats } from '../impl/arq/stats.ts';
import { forkRandom } from '../sim/random.ts';

export interface LinkSpec {
  bandwidthBps: number;
  delayMs: number;
  loss: number;
  ackLoss?: number;
  /** Bytes added to every datagram on the wire (UDP/IP headers). */
  overheadBytes: number;
}

export interface CorePairResult {
  ok: boolean;
  /** Virtual ms from the first DATA sent to the receiver's completion. */
  dataMs: number;
  /** File bytes per second over `dataMs`. */
  throughputBps: number;
  /**
   * File bytes per second while the receiver went from 10 % to 90 % of the file: the steady
   * state the analytic model describes, without the opening handshake and the closing drain.
   */
  steadyBps: number;
  sender: TransferStats;
  receiver: TransferStats;
  failure?: string;
}

interface InFlight {
  at: number;
  datagram: Buffer;
}

/** One direction of the link: serialisation, propagation, i.i.d. loss. */
class Direction {
  readonly queue: InFlight[] = [];
  #head = 0;
  #busyUntil = 0;
  readonly #spec: LinkSpec;
  readonly #loss: number;
  readonly #random: () => number;

  constructor(spec: LinkSpec, loss: number, random: () => number) {
    this.#spec = spec;
    this.#loss = loss;
    this.#random = random;
  }

  send(datagram: Buffer, now: number): void {
    const bits = (datagram.length + this.#spec.overheadBytes) * 8;
    const serialisation = Number.isFinite(this.#spec.bandwidthBps)
      ? (bits / this.#spec.bandwidthBps) * 1e3
      : 0;
    this.#busyUntil = Math.max(now, this.#busyUntil) + serialisation;
    if (this.#random() < this.#loss) return;
    this.queue.push({ at: this.#busyUntil + this.#spec.delayMs, datagram: Buffer.from(datagram) });
  }

  peek(): number {
    return this.#head < this.queue.length ? this.queue[this.#head].at : Number.POSITIVE_INFINITY;
  }

  take(): Buffer {
    const item = this.queue[this.#head++];
    if (this.#head > 4096) {
      this.queue.splice(0, this.#head);
      this.#head = 0;
    }
    return item.datagram;
  }
}

export function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Runs the pair to completion (or `maxEvents`); `file` is what the sender offers. */
export function runCorePair(
  sender: ArqSenderCore,
  receiver: ArqReceiverCore,
  file: Buffer,
  link: LinkSpec,
  seed: number,
  maxEvents = 10_000_000,
): CorePairResult {
  const random = forkRandom(seed, 'core-link');
  const forward = new Direction(link, link.loss, () => random.next());
  const backward = new Direction(link, link.ackLoss ?? 0, () => random.next());
  const received: Buffer[] = [];
  let offered = 0;
  let firstData = Number.NaN;
  let now = 0;
  let doneAt = Number.NaN;
  let taken = 0;
  let at10 = Number.NaN;
  let at90 = Number.NaN;
  const drain = (): void => {
    for (let d = sender.pollTransmit(now); d !== null; d = sender.pollTransmit(now)) {
      if (Number.isNaN(firstData) && sender.validated) firstData = now;
      forward.send(d, now);
    }
    for (let wanted = sender.dataWanted(); wanted > 0; wanted = sender.dataWanted()) {
      const chunk = file.subarray(offered, offered + wanted);
      offered += chunk.length;
      sender.offerData(chunk);
      for (let d = sender.pollTransmit(now); d !== null; d = sender.pollTransmit(now)) {
        forward.send(d, now);
      }
    }
    for (let d = receiver.pollTransmit(now); d !== null; d = receiver.pollTransmit(now)) {
      backward.send(d, now);
    }
    for (let b = receiver.takeData(); b !== null; b = receiver.takeData()) {
      received.push(b);
      taken += b.length;
      if (Number.isNaN(at10) && taken >= 0.1 * file.length) at10 = now;
      if (Number.isNaN(at90) && taken >= 0.9 * file.length) at90 = now;
    }
  };
  drain();
  let events = 0;
  while (events++ < maxEvents) {
    if (sender.status !== 'active' && receiver.status !== 'active') break;
    const times = [
      forward.peek(),
      backward.peek(),
      sender.pollTimeout() ?? Number.POSITIVE_INFINITY,
      receiver.pollTimeout() ?? Number.POSITIVE_INFINITY,
    ];
    const next = Math.min(...times);
    if (!Number.isFinite(next)) break;
    now = Math.max(now, next);
    if (times[0] === next) receiver.handleDatagram(forward.take(), now);
    else if (times[1] === next) sender.handleDatagram(backward.take(), now);
    else if (times[2] === next) sender.handleTimeout(now);
    else receiver.handleTimeout(now);
    drain();
    if (Number.isNaN(doneAt) && receiver.status === 'done') doneAt = now;
  }
  const bytes = Buffer.concat(received);
  const ok = sender.status === 'done' && receiver.status === 'done' && bytes.equals(file);
  const dataMs = doneAt - firstData;
  return {
    ok,
    dataMs,
    throughputBps: (file.length / dataMs) * 1e3,
    steadyBps: ((0.8 * file.length) / (at90 - at10)) * 1e3,
    sender: sender.stats(now),
    receiver: receiver.stats(now),
    failure: sender.failure?.code ?? receiver.failure?.code,
  };
}
