/**
 * A sweep is the cartesian product of the swept values; each combination is a point with a
 * stable matrix index. Rows are always written in index order, so a sweep gives the same CSV
 * whatever the number of workers or shards.
 */
import type { Scheme } from '../../impl/arq/codec.ts';
import { WhohasError } from '../../impl/errors.ts';

export type SweepTransport = 'sim' | 'udp';
/** `peer`: server + two Peers, whohas + getFile. `gbn`: a bare TransferSender → TransferReceiver pair. */
export type Engine = 'peer' | 'gbn';
/** The sender's retransmission timeout: the Go-Back-N default (adaptive) or a fixed value. */
export type RtoChoice = { mode: 'adaptive' } | { mode: 'fixed'; ms: number };

/** Per-transfer settings a sweep fixes for every point (not swept). */
export interface TransferSettings {
  rto: RtoChoice;
  /** ACK after this many in-order packets; null keeps the Go-Back-N default. */
  ackEvery: number | null;
  /** Loopback only: a transfer still running after this many seconds is aborted (TIME_LIMIT). */
  timeLimitS: number;
  /** The sender's window control ('none': fixed N, as the model has it); null keeps the default. */
  congestion: 'aimd' | 'none' | null;
  /** Go back after 3 duplicate ACKs (true) or on timeouts only (false); null keeps the default. */
  fastRetransmit: boolean | null;
}

export interface SweepSpec extends TransferSettings {
  transport: SweepTransport;
  engine: Engine;
  profiles: string[];
  /** ARQ schemes, swept like the window. */
  schemes: Scheme[];
  windows: number[];
  packetSizes: number[];
  sizes: number[];
  /** Data-direction i.i.d. loss (or mean loss with bursts); null keeps the profile's own. */
  losses: (number | null)[];
  /** Mean loss burst in packets (Gilbert-Elliott); 1 is i.i.d. */
  bursts: number[];
  /** One-way delay per direction, ms; null keeps the profile's. */
  delaysMs: (number | null)[];
  /** Standard deviation of the normal jitter per direction, ms; null keeps the profile's. */
  jittersMs: (number | null)[];
  /** Link rate per direction, bits/s; null keeps the profile's. */
  bandwidthsBps: (number | null)[];
  seeds: number[];
  repeat: number;
}

/** One run: everything needed to replay it, and nothing else. */
export interface PointSpec extends TransferSettings {
  index: number;
  transport: SweepTransport;
  engine: Engine;
  profile: string;
  arq: Scheme;
  window: number;
  packetSize: number;
  fileBytes: number;
  loss: number | null;
  burst: number;
  delayMs: number | null;
  jitterMs: number | null;
  bandwidthBps: number | null;
  seed: number;
  repeat: number;
  /** Simulated points: write the run's packets to this folder as pcapng (not part of the matrix). */
  pcapDir?: string;
}

export function expandMatrix(spec: SweepSpec): PointSpec[] {
  const points: PointSpec[] = [];
  for (const profile of spec.profiles)
    for (const packetSize of spec.packetSizes)
      for (const fileBytes of spec.sizes)
        for (const bandwidthBps of spec.bandwidthsBps)
          for (const delayMs of spec.delaysMs)
            for (const jitterMs of spec.jittersMs)
              for (const burst of spec.bursts)
                for (const loss of spec.losses)
                  for (const arq of spec.schemes)
                    for (const window of spec.windows)
                      for (const seed of spec.seeds)
                        for (let repeat = 1; repeat <= spec.repeat; repeat++) {
                          points.push({
                            index: points.length,
                            transport: spec.transport,
                            engine: spec.engine,
                            profile,
                            arq,
                            window,
                            packetSize,
                            fileBytes,
                            loss,
                            burst,
                            delayMs,
                            jitterMs,
                            bandwidthBps,
                            seed,
                            repeat,
                            rto: spec.rto,
                            ackEvery: spec.ackEvery,
                            timeLimitS: spec.timeLimitS,
                            congestion: spec.congestion,
                            fastRetransmit: spec.fastRetransmit,
                          });
                        }
  return points;
}

export interface Shard {
  /** 1-based, as CI matrices count. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new WhohasError('BAD_ARGUMENT', `bad shard '${text}' (expected i/n with 1 ≤ i ≤ n)`);
  }
  return { index, count };
}

/** Round-robin, so every shard gets a similar mix of cheap and expensive points. */
export function shardPoints(points: PointSpec[], shard: Shard): PointSpec[] {
  return points.filter((point) => point.index % shard.count === shard.index - 1);
}

/** K consecutive seeds from the base: the base alone names the whole set. */
/**
 * What a sweep built in code leaves at the usual values: no impairment beyond the profile's, one
 * run of each point, the adaptive RTO and Go-Back-N's own defaults, a 60 s loopback time limit.
 */
export function unsweptDefaults(): Pick<
  SweepSpec,
  | 'schemes'
  | 'bursts'
  | 'delaysMs'
  | 'jittersMs'
  | 'bandwidthsBps'
  | 'repeat'
  | 'rto'
  | 'ackEvery'
  | 'timeLimitS'
  | 'congestion'
  | 'fastRetransmit'
> {
  return {
    schemes: ['gbn'],
    bursts: [1],
    delaysMs: [null],
    jittersMs: [null],
    bandwidthsBps: [null],
    repeat: 1,
    rto: { mode: 'adaptive' },
    ackEvery: null,
    timeLimitS: 60,
    congestion: null,
    fastRetransmit: null,
  };
}

export function seedsFrom(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (base + i) >>> 0);
}
