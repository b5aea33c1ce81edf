import { WhohasError } from '../impl/errors.ts';
import type { QueueSpec } from './queue.ts';

/**
 * Path configuration (one direction) and the named link profiles.
 *
 * | profile  | bandwidth  | one-way delay | jitter          | queue   | loss                         | other                                  |
 * | -------- | ---------- | ------------- | --------------- | ------- | ---------------------------- | -------------------------------------- |
 * | loopback | 40 Gbit/s  | 0.01 ms       | none            | 4 MiB   | none                         | MTU 65535                              |
 * | lan      | 1 Gbit/s   | 0.1 ms        | normal sd 0.01  | 512 KiB | none                         | MTU 65535 (IP fragmentation assumed)   |
 * | wifi     | 100 Mbit/s | 2 ms          | normal sd 1 ms  | 256 KiB | 0.1 % i.i.d.                 | 0.1 % reordered (+3 ms)                |
 * | wan      | 50 Mbit/s  | 20 ms         | normal sd 2 ms  | 256 KiB | 0.01 % i.i.d.                | 0.01 % duplicated                      |
 * | lossy    | 10 Mbit/s  | 30 ms         | pareto 1 ms a=2 | 128 KiB | 1 % i.i.d. + Gilbert-Elliott | 0.5 % dup, 0.1 % corrupt, 1 % reorder  |
 *
 * Queues count waiting bytes only: the packet on the wire does not count (as in ns-3 and Linux).
 *
 * lossy's Gilbert-Elliott chain: good→bad 0.5 %, bad→good 25 % (mean burst 4 packets), loss 0 in
 * good and 50 % in bad. The lan queue (512 KiB) holds a 64-packet window of 2 KB datagrams
 * (64 × 2076 wire bytes = 130 KiB) several times over, like a switch port buffer.
 *
 * MTU here is the largest IP packet (payload + headers) the path carries. IP fragmentation is not
 * modelled, so profiles use 65535 (what Linux UDP allows); set a smaller MTU to model a path that
 * refuses large datagrams (EMSGSIZE at send, as with don't-fragment).
 */

export type Jitter =
  /** Extra delay uniform in [0, maxMs). */
  | { kind: 'uniform'; maxMs: number }
  /** Extra delay normal(0, sdMs), the total delay never below zero. */
  | { kind: 'normal'; sdMs: number }
  /** Extra delay scaleMs · (U^(−1/shape) − 1): heavy-tailed, mean scaleMs/(shape−1). */
  | { kind: 'pareto'; scaleMs: number; shape: number };

export interface BurstLoss {
  /** Per packet, probability of moving good → bad, and bad → good (mean burst 1/pBadToGood). */
  pGoodToBad: number;
  pBadToGood: number;
  /** Loss probability in each state (defaults 0 and 1). */
  lossGood?: number;
  lossBad?: number;
}

export interface PathConfig {
  /** Start from a named profile; the other fields override it. */
  profile?: ProfileName;
  /** Bits per second; Infinity means no serialization delay. */
  bandwidthBps?: number;
  /** The same as text ('10Mbit', '1.5Gbit', '64kbit', '100bit') or bits per second. */
  bandwidth?: string | number;
  delayMs?: number;
  jitter?: Jitter | null;
  /**
   * Drop-tail queue in front of the link, bytes waiting: the packet being transmitted does not
   * count (as in ns-3 and Linux qdiscs). Shorthand for queue { kind: 'droptail', bytes }.
   */
  queueBytes?: number;
  /** The queue discipline (drop-tail in bytes or packets, or RED: see queue.ts); wins over queueBytes. */
  queue?: QueueSpec | null;
  /**
   * Bytes a datagram carries besides its payload on this link (serialization and queue, not the
   * MTU): 28 (IPv4 + UDP) by default; 30 models ns-3's point-to-point (PPP) links, 66 Ethernet
   * with preamble and gap. Stream segments count 12 more (the TCP header's extra bytes).
   */
  framingBytes?: number;
  /** i.i.d. loss probability per datagram. */
  loss?: number;
  /** Byte error rate: a datagram of w wire bytes is lost with probability 1 − (1 − ber)^w. */
  byteErrorRate?: number;
  /** Bit error rate: a datagram of w wire bytes is lost with probability 1 − (1 − ber)^(8w). */
  ber?: number;
  /** Drop exactly these datagrams (1-based, counted as they leave this direction's queue). */
  dropList?: readonly number[];
  burstLoss?: BurstLoss | null;
  duplicate?: number;
  corrupt?: number;
  /** Fraction of datagrams delayed by an extra reorderDelayMs (they overtake nothing else). */
  reorder?: number;
  reorderDelayMs?: number;
  /** Largest IP packet, bytes. */
  mtu?: number;
}

export type ResolvedPathConfig = Required<Omit<PathConfig, 'profile' | 'bandwidth'>>;

/** Fields a bare PathConfig does not mention are ideal: no loss, unlimited queue. */
const IDEAL: ResolvedPathConfig = {
  bandwidthBps: Number.POSITIVE_INFINITY,
  delayMs: 0,
  jitter: null,
  queueBytes: Number.POSITIVE_INFINITY,
  queue: null,
  framingBytes: 28,
  loss: 0,
  byteErrorRate: 0,
  ber: 0,
  dropList: [],
  burstLoss: null,
  duplicate: 0,
  corrupt: 0,
  reorder: 0,
  reorderDelayMs: 0,
  mtu: 65535,
};

export const profiles = {
  loopback: { ...IDEAL, bandwidthBps: 40e9, delayMs: 0.01, queueBytes: 4 * 1024 * 1024 },
  lan: {
    ...IDEAL,
    bandwidthBps: 1e9,
    delayMs: 0.1,
    jitter: { kind: 'normal', sdMs: 0.01 },
    queueBytes: 512 * 1024,
  },
  wifi: {
    ...IDEAL,
    bandwidthBps: 100e6,
    delayMs: 2,
    jitter: { kind: 'normal', sdMs: 1 },
    queueBytes: 256 * 1024,
    loss: 0.001,
    reorder: 0.001,
    reorderDelayMs: 3,
  },
  wan: {
    ...IDEAL,
    bandwidthBps: 50e6,
    delayMs: 20,
    jitter: { kind: 'normal', sdMs: 2 },
    queueBytes: 256 * 1024,
    loss: 0.0001,
    duplicate: 0.0001,
  },
  lossy: {
    ...IDEAL,
    bandwidthBps: 10e6,
    delayMs: 30,
    jitter: { kind: 'pareto', scaleMs: 1, shape: 2 },
    queueBytes: 128 * 1024,
    loss: 0.01,
    burstLoss: { pGoodToBad: 0.005, pBadToGood: 0.25, lossGood: 0, lossBad: 0.5 },
    duplicate: 0.005,
    corrupt: 0.001,
    reorder: 0.01,
    reorderDelayMs: 10,
  },
} satisfies Record<string, ResolvedPathConfig>;

export type ProfileName = keyof typeof profiles;

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(profiles, name);
}

export function resolvePathConfig(config: ProfileName | PathConfig): ResolvedPathConfig {
  if (typeof config === 'string') {
    if (!isProfileName(config)) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `unknown link profile '${config}' (known: ${Object.keys(profiles).join(', ')})`,
      );
    }
    return { ...profiles[config] };
  }
  const { profile, bandwidth, ...overrides } = config;
  const base = profile === undefined ? IDEAL : resolvePathConfig(profile);
  const resolved: ResolvedPathConfig = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  if (bandwidth !== undefined) resolved.bandwidthBps = parseBandwidth(bandwidth);
  validate(resolved);
  return resolved;
}

function validate(config: ResolvedPathConfig): void {
  const probabilities = [
    'loss',
    'duplicate',
    'corrupt',
    'reorder',
    'ber',
    'byteErrorRate',
  ] as const;
  for (const key of probabilities) {
    const p = config[key];
    if (!(p >= 0 && p <= 1)) bad(`${key} must be a probability in [0, 1], got ${p}`);
  }
  if (!(config.bandwidthBps > 0)) bad(`bandwidthBps must be > 0, got ${config.bandwidthBps}`);
  if (!(config.delayMs >= 0)) bad(`delayMs must be >= 0, got ${config.delayMs}`);
  if (!(config.reorderDelayMs >= 0)) bad(`reorderDelayMs must be >= 0`);
  if (!(config.queueBytes >= 0)) bad(`queueBytes must be >= 0, got ${config.queueBytes}`);
  if (!(config.mtu >= 68 && config.mtu <= 65535)) bad(`mtu must be in [68, 65535]`);
  if (!(Number.isInteger(config.framingBytes) && config.framingBytes >= 0)) {
    bad(`framingBytes must be a whole number >= 0, got ${config.framingBytes}`);
  }
  if (!config.dropList.every((k) => Number.isInteger(k) && k >= 1)) {
    bad('dropList holds 1-based packet numbers (whole numbers >= 1)');
  }
  validateQueue(config.queue);
  const burst = config.burstLoss;
  if (burst !== null) {
    for (const p of [burst.pGoodToBad, burst.pBadToGood, burst.lossGood ?? 0, burst.lossBad ?? 1]) {
      if (!(p >= 0 && p <= 1)) bad('burstLoss probabilities must be in [0, 1]');
    }
  }
}

function bad(message: string): never {
  throw new WhohasError('BAD_ARGUMENT', message);
}

const BANDWIDTH = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)(bit|bps|b)?(?:\/s)?$/;
const SCALE: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** '10Mbit' → 10e6 bits per second (k, M, G are powers of 1000, as tc and ns-3 use them). */
export function parseBandwidth(text: string | number): number {
  if (typeof text === 'number') return text;
  const match = BANDWIDTH.exec(text.trim());
  if (match === null) bad(`bad bandwidth '${text}' (examples: 10Mbit, 1.5Gbit, 64kbit)`);
  return Number(match[1]) * SCALE[match[2].toLowerCase()];
}

function validateQueue(queue: QueueSpec | null): void {
  if (queue === null) return;
  const limits = [queue.bytes, queue.packets].filter((limit) => limit !== undefined);
  if (!limits.every((limit) => (limit as number) >= 0)) bad('queue limits must be >= 0');
  if (queue.kind === 'red') {
    const { minTh, maxTh, maxP, weight } = queue;
    if (!(minTh >= 0 && maxTh > minTh)) bad('red queue: need 0 <= minTh < maxTh');
    if (!(maxP > 0 && maxP <= 1 && weight > 0 && weight <= 1)) {
      bad('red queue: maxP and weight must be in (0, 1]');
    }
  } else if (queue.kind === 'codel') {
    if (!((queue.targetMs ?? 5) > 0 && (queue.intervalMs ?? 100) > 0)) {
      bad('codel queue: targetMs and intervalMs must be > 0');
    }
  } else if (queue.kind !== 'droptail') {
    bad(`unknown queue kind '${(queue as { kind: string }).kind}' (known: droptail, red, codel)`);
  }
}
