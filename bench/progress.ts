/**
 * A progress bar on stderr (cli-progress). On a terminal it redraws in place; piped to a file or
 * a CI log it prints a line every few seconds instead.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(status: string): void;
  stop(): void;
}

export function progressBar(label: string, total: number, enabled = true): Progress {
  if (!enabled || total === 0) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} {bar} {value}/{total} | {duration_formatted} elapsed, ~{eta_formatted} left | {status}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 24,
      hideCursor: true,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 3_000,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  let done = 0;
  return {
    tick(status) {
      done++;
      bar.update(done, { status });
    },
    stop() {
      bar.stop();
    },
  };
}
