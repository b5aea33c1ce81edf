/**
 * From a point's swept values to the simulator's path configuration (both directions) and the
 * model's inputs. Delay, jitter and bandwidth apply to both directions, as netem on each side
 * counts them; loss and bursts apply to the data direction (sender → receiver), as netem on the
 * sender's interface would, so the ACK direction keeps the profile's own loss.
 */
import { type PathConfig, type ResolvedPathConfig, resolvePathConfig } from '../../sim/profiles.ts';
import type { PointSpec } from './spec.ts';

export interface PointPaths {
  data: ResolvedPathConfig;
  ack: ResolvedPathConfig;
}

/** Mean burst b at mean loss p: a two-state chain losing everything in the bad state. */
export function gilbertElliott(loss: number, burst: number) {
  const pBadToGood = 1 / burst;
  return { pGoodToBad: (loss * pBadToGood) / (1 - loss), pBadToGood, lossGood: 0, lossBad: 1 };
}

/** Besides the simulator's named profiles: a path with no impairment at all, unlimited queue. */
export const IDEAL_PROFILE = 'ideal';

export function pointPaths(point: PointSpec): PointPaths {
  const common: PathConfig =
    point.profile === IDEAL_PROFILE ? {} : { profile: point.profile as PathConfig['profile'] };
  if (point.delayMs !== null) common.delayMs = point.delayMs;
  if (point.bandwidthBps !== null) common.bandwidthBps = point.bandwidthBps;
  if (point.jitterMs !== null) {
    common.jitter = point.jitterMs > 0 ? { kind: 'normal', sdMs: point.jitterMs } : null;
  }
  const data: PathConfig = { ...common };
  if (point.loss !== null) {
    const bursty = point.burst > 1 && point.loss > 0;
    data.loss = bursty ? 0 : point.loss;
    data.burstLoss = bursty ? gilbertElliott(point.loss, point.burst) : null;
  }
  return { data: resolvePathConfig(data), ack: resolvePathConfig(common) };
}

/** The data direction's mean loss rate, counting a Gilbert-Elliott chain's stationary loss. */
export function meanLoss(config: ResolvedPathConfig): number {
  const burst = config.burstLoss;
  if (burst === null) return config.loss;
  const bad = burst.pGoodToBad / (burst.pGoodToBad + burst.pBadToGood);
  const burstLoss = bad * (burst.lossBad ?? 1) + (1 - bad) * (burst.lossGood ?? 0);
  return 1 - (1 - config.loss) * (1 - burstLoss);
}

/** Mean burst length in packets (1 without a chain). */
export function meanBurst(config: ResolvedPathConfig): number {
  return config.burstLoss === null ? 1 : 1 / config.burstLoss.pBadToGood;
}
