/** What a running download tells its caller: progress on the platform clock, and its errors. */
import type { TransferReceiver } from '../arq/driver-receiver.ts';
import { isWhohasError, WhohasError } from '../errors.ts';
import type { Clock, TimerHandle } from '../platform/types.ts';
import type { DownloadOptions, TransferInfo } from './types.ts';

export const PROGRESS_INTERVAL_MS = 200;

/** Polls the receiver's plain statistics on the platform clock while the transfer runs. */
export function reportProgress(
  clock: Clock,
  attempt: { info: TransferInfo; receiver: TransferReceiver },
  onProgress: NonNullable<DownloadOptions['onProgress']>,
): { stop(): void } {
  let timer: TimerHandle | undefined;
  const tick = () => {
    onProgress(attempt.receiver.stats.bytes, attempt.info.size, attempt.info.user);
    timer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
  };
  timer = clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
  return {
    stop: () => {
      clock.clearTimeout(timer);
      onProgress(attempt.receiver.stats.bytes, attempt.info.size, attempt.info.user);
    },
  };
}

export function asWhohasError(error: unknown): WhohasError {
  if (isWhohasError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new WhohasError('IO_ERROR', text, { cause: error });
}
