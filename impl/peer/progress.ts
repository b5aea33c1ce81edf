import type { Clock, TimerHandle } from '../platform/types.ts';

const PROGRESS_INTERVAL_MS = 200;

/**
 * Calls `report` every PROGRESS_INTERVAL_MS of platform time while a download runs (it reads
 * the receiver's plain statistics), and once more on stop().
 */
export function reportProgress(clock: Clock, report: () => void): { stop(): void } {
  let timer: TimerHandle | undefined;
  const tick = () => {
    report();
    timer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
  };
  timer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
  return {
    stop: () => {
      clock.clearTimeout(timer);
      report();
    },
  };
}
