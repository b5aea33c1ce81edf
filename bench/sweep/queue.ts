/**
 * What a sweep on a job queue and its workers agree on: the BullMQ queue's name, the job's data
 * (one point, its matrix index and full spec), how a Redis URL is checked and reached, and the
 * one command that replays a single point. The queue is BullMQ on Redis: its stalled-job check
 * retries the job of a worker that died, its locks keep a job on one worker at a time.
 */
import { WhohasError } from '../../impl/errors.ts';
import { rtoLabel } from './point.ts';
import type { PointSpec } from './spec.ts';

/** One queue for every sweep on a Redis; each job names its sweep's run id. */
export const QUEUE_NAME = 'whohas-sweep';

/** A job: one point of one sweep. */
export interface PointJob {
  /** The sweep's run id (random per `whohas sweep --queue`), so sweeps sharing a Redis stay apart. */
  run: string;
  point: PointSpec;
}

/** `run-index`: BullMQ job ids may not be bare integers nor hold ':'. */
export function jobId(run: string, index: number): string {
  return `${run}-${index}`;
}

/** The matrix index of one of `run`'s jobs, or undefined for another sweep's job. */
export function indexOfJob(run: string, id: string | undefined): number | undefined {
  if (id === undefined || !id.startsWith(`${run}-`)) return undefined;
  const index = Number(id.slice(run.length + 1));
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

/** Checks a `redis://HOST:PORT` URL (BAD_ARGUMENT naming the flag otherwise). */
export function parseQueueUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `--queue: bad URL '${text}' (expected redis://HOST:PORT)`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `--queue: '${text}' is not a Redis URL (expected redis://HOST:PORT)`,
    );
  }
  if (url.hostname === '') {
    throw new WhohasError('BAD_ARGUMENT', `--queue: '${text}' names no host`);
  }
  return text;
}

/** How long the first PING may take before the queue counts as unreachable. */
export const PROBE_MS = 5_000;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The `whohas sweep` command that runs this point alone (as matrix index 0), on this machine. */
export function pointCommand(point: PointSpec): string {
  const args = ['--transport', point.transport, '--engine', point.engine];
  if (point.transport === 'sim') args.push('--profile', point.profile);
  args.push('--arq', point.arq, '--window', String(point.window));
  args.push('--packet-size', String(point.packetSize), '--size', String(point.fileBytes));
  if (point.transport === 'sim') {
    if (point.loss !== null) args.push('--loss', String(point.loss));
    args.push('--burst', String(point.burst));
    if (point.delayMs !== null) args.push('--delay', `${point.delayMs}ms`);
    if (point.jitterMs !== null) args.push('--jitter', `${point.jitterMs}ms`);
    if (point.bandwidthBps !== null) args.push('--bandwidth', String(point.bandwidthBps));
  } else {
    args.push('--time-limit', `${point.timeLimitS}s`);
  }
  args.push('--rto', point.rto.mode === 'fixed' ? `${point.rto.ms}ms` : 'adaptive');
  if (point.ackEvery !== null) args.push('--ack-every', String(point.ackEvery));
  if (point.congestion !== null) args.push('--congestion', point.congestion);
  if (point.fastRetransmit !== null) {
    args.push('--fast-retransmit', point.fastRetransmit ? 'on' : 'off');
  }
  args.push('--seed', String(point.seed), '--seeds', '1');
  return ['whohas', 'sweep', ...args].map(quote).join(' ');
}

/** A short label for progress lines and worker logs. */
export function pointLabel(point: PointSpec): string {
  return `point ${point.index} (N=${point.window}, ${point.packetSize} B, loss ${point.loss ?? 'profile'}, rto ${rtoLabel(point.rto)}, seed ${point.seed})`;
}
