/**
 * Seeded datagram impairment for a real Platform: loss, duplication, reordering (extra delay)
 * and corruption applied to outgoing datagrams, so scenarios can run with `--transport real`
 * under the same kinds of faults as on the simulator. Streams, clock, files and randomness
 * pass through untouched.
 *
 * Every decision is a pure function of the seed and the order of sends on the platform: each
 * datagram consumes the same number of draws whatever the options, so turning one impairment
 * up or down never shifts the decisions of another.
 */
import seedrandom from 'seedrandom';
import { WhohasError } from '../impl/errors.ts';
import type {
  AddressInfo,
  Clock,
  DatagramSocket,
  DatagramSocketEvents,
  Platform,
  SystemError,
  TimerHandle,
} from '../impl/platform/types.ts';

export interface ImpairmentOptions {
  seed: number | string;
  /** Probability that a datagram is dropped. */
  loss?: number;
  /** Probability that a (kept) datagram is sent twice. */
  duplicate?: number;
  /** Each copy, with `probability`, is held back `extraDelayMs` before it is sent. */
  reorder?: { probability: number; extraDelayMs: number };
  /** Probability that a copy has one byte flipped (all bits). */
  corrupt?: number;
}

/** Plain counters of what the impairment did; read-only for everyone but the wrapper. */
export interface ImpairmentStats {
  /** Datagrams the application asked to send. */
  readonly offered: number;
  readonly dropped: number;
  readonly duplicated: number;
  /** Copies held back by the reorder delay. */
  readonly delayed: number;
  readonly corrupted: number;
  /** Copies handed to the real socket. */
  readonly transmitted: number;
  /** Held-back copies that never went out because their socket closed first. */
  readonly discardedOnClose: number;
}

export interface CopyFate {
  delayMs: number;
  /** Index of the flipped byte, or -1. */
  corruptAt: number;
}

/** What becomes of one datagram: no copies means dropped. */
export interface DatagramFate {
  copies: CopyFate[];
}

export interface ImpairedPlatform extends Platform {
  readonly impairment: ImpairmentStats;
}

/** The decision sequence alone: `decide(size)` for each datagram, in send order. */
export function createImpairmentDecider(options: ImpairmentOptions): {
  decide(size: number): DatagramFate;
} {
  const loss = probability(options.loss, 'loss');
  const duplicate = probability(options.duplicate, 'duplicate');
  const reorder = probability(options.reorder?.probability, 'reorder.probability');
  const extraDelayMs = options.reorder?.extraDelayMs ?? 0;
  if (!(extraDelayMs >= 0 && Number.isFinite(extraDelayMs))) {
    throw new WhohasError('BAD_ARGUMENT', `reorder.extraDelayMs must be ≥ 0, got ${extraDelayMs}`);
  }
  const corrupt = probability(options.corrupt, 'corrupt');
  const draw = seedrandom.alea(`impair/${options.seed}`);

  return {
    decide(size) {
      const lost = draw() < loss;
      const twice = draw() < duplicate;
      // Two copies' worth of draws, always: the sequence never depends on earlier outcomes.
      const candidates: CopyFate[] = [0, 1].map(() => {
        const delayed = draw() < reorder;
        const flipped = draw() < corrupt;
        const at = Math.floor(draw() * size);
        return { delayMs: delayed ? extraDelayMs : 0, corruptAt: flipped && size > 0 ? at : -1 };
      });
      if (lost) return { copies: [] };
      return { copies: twice ? candidates : candidates.slice(0, 1) };
    },
  };
}

function probability(value: number | undefined, name: string): number {
  const p = value ?? 0;
  if (!(p >= 0 && p <= 1)) {
    throw new WhohasError('BAD_ARGUMENT', `${name} must be a probability in [0, 1], got ${p}`);
  }
  return p;
}

type MutableStats = { -readonly [K in keyof ImpairmentStats]: ImpairmentStats[K] };

/** `platform` with every datagram socket it creates impaired as `options` say. */
export function impairDatagrams(platform: Platform, options: ImpairmentOptions): ImpairedPlatform {
  const decider = createImpairmentDecider(options);
  const stats: MutableStats = {
    offered: 0,
    dropped: 0,
    duplicated: 0,
    delayed: 0,
    corrupted: 0,
    transmitted: 0,
    discardedOnClose: 0,
  };
  const impair = (socket: DatagramSocket) =>
    new ImpairedDatagramSocket(socket, platform.clock, decider.decide, stats);
  return {
    kind: platform.kind,
    net: platform.net,
    dgram: { createSocket: (type) => impair(platform.dgram.createSocket(type)) },
    clock: platform.clock,
    fs: platform.fs,
    random: platform.random,
    impairment: stats,
  };
}

type SendCallback = (error: SystemError | null) => void;

const ignoreOutcome: SendCallback = () => {};

class ImpairedDatagramSocket implements DatagramSocket {
  readonly #inner: DatagramSocket;
  readonly #clock: Clock;
  readonly #decide: (size: number) => DatagramFate;
  readonly #stats: MutableStats;
  readonly #held = new Set<TimerHandle>();

  constructor(
    inner: DatagramSocket,
    clock: Clock,
    decide: (size: number) => DatagramFate,
    stats: MutableStats,
  ) {
    this.#inner = inner;
    this.#clock = clock;
    this.#decide = decide;
    this.#stats = stats;
  }

  on<K extends keyof DatagramSocketEvents & string>(event: K, listener: DatagramSocketEvents[K]) {
    this.#inner.on(event, listener);
    return this;
  }

  once<K extends keyof DatagramSocketEvents & string>(event: K, listener: DatagramSocketEvents[K]) {
    this.#inner.once(event, listener);
    return this;
  }

  off<K extends keyof DatagramSocketEvents & string>(event: K, listener: DatagramSocketEvents[K]) {
    this.#inner.off(event, listener);
    return this;
  }

  bind(port?: number, address?: string): Promise<AddressInfo> {
    return this.#inner.bind(port, address);
  }

  address(): AddressInfo {
    return this.#inner.address();
  }

  send(msg: Uint8Array, port: number, address: string, callback?: SendCallback): void {
    const { copies } = this.#decide(msg.length);
    const stats = this.#stats;
    stats.offered++;
    if (copies.length === 0) {
      stats.dropped++;
      // A lost datagram was still sent as far as the sender can tell.
      if (callback !== undefined) queueMicrotask(() => callback(null));
      return;
    }
    if (copies.length > 1) stats.duplicated++;
    // The caller hears once, about the first copy out; a later copy's failure is the network's
    // (without a callback, node:dgram semantics apply: failures go to 'error').
    let report = callback;
    const transmit = (copy: CopyFate, bytes: Uint8Array) => {
      if (copy.corruptAt >= 0) {
        if (bytes === msg) bytes = Uint8Array.from(msg);
        bytes[copy.corruptAt] ^= 0xff;
        stats.corrupted++;
      }
      stats.transmitted++;
      const outcome = report ?? (callback === undefined ? undefined : ignoreOutcome);
      report = undefined;
      this.#inner.send(bytes, port, address, outcome);
    };
    for (const copy of copies) {
      if (copy.delayMs === 0) {
        transmit(copy, msg);
        continue;
      }
      stats.delayed++;
      // The caller may reuse its buffer once send() returns (a sender refills its window slots).
      const held = Uint8Array.from(msg);
      const handle = this.#clock.setTimeout(() => {
        this.#held.delete(handle);
        transmit(copy, held);
      }, copy.delayMs);
      this.#held.add(handle);
    }
  }

  setRecvBufferSize(bytes: number): void {
    this.#inner.setRecvBufferSize(bytes);
  }

  setSendBufferSize(bytes: number): void {
    this.#inner.setSendBufferSize(bytes);
  }

  close(): Promise<void> {
    for (const handle of this.#held) this.#clock.clearTimeout(handle);
    this.#stats.discardedOnClose += this.#held.size;
    this.#held.clear();
    return this.#inner.close();
  }
}
