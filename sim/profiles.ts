import { WhohasError } from '../impl/errors.ts';

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
  delayMs?: number;
  jitter?: Jitter | null;
  /** Drop-tail queue in front of the link, bytes waiting (not yet transmitting). */
  queueBytes?: number;
  /** i.i.d. loss probability per datagram. */
  loss?: number;
  burstLoss?: BurstLoss | null;
  duplicate?: number;
  corrupt?: number;
  /** Fraction of datagrams delayed by an extra reorderDelayMs (they overtake nothing else). */
  reorder?: number;
  reorderDelayMs?: number;
  /** Largest IP packet, bytes. */
  mtu?: number;
}

export type ResolvedPathConfig = Required<Omit<PathConfig, 'profile'>>;

/** Fields a bare PathConfig does not mention are ideal: no loss, unlimited queue. */
const IDEAL: ResolvedPathConfig = {
  bandwidthBps: Number.POSITIVE_INFINITY,
  delayMs: 0,
  jitter: null,
  queueBytes: Number.POSITIVE_INFINITY,
  loss: 0,
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
  const { profile, ...overrides } = config;
  const base = profile === undefined ? IDEAL : resolvePathConfig(profile);
  const resolved: ResolvedPathConfig = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  validate(resolved);
  return resolved;
}

function validate(config: ResolvedPathConfig): void {
  const probabilities = ['loss', 'duplicate', 'corrupt', 'reorder'] as const;
  for (const key of probabilities) {
    const p = config[key];
    if (!(p >= 0 && p <= 1)) bad(`${key} must be a probability in [0, 1], got ${p}`);
  }
  if (!(config.bandwidthBps > 0)) bad(`bandwidthBps must be > 0, got ${config.bandwidthBps}`);
  if (!(config.delayMs >= 0)) bad(`delayMs must be >= 0, got ${config.delayMs}`);
  if (!(config.reorderDelayMs >= 0)) bad(`reorderDelayMs must be >= 0`);
  if (!(config.queueBytes >= 0)) bad(`queueBytes must be >= 0, got ${config.queueBytes}`);
  if (!(config.mtu >= 68 && config.mtu <= 65535)) bad(`mtu must be in [68, 65535]`);
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
