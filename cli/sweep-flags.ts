/**
 * What `whohas sweep` refuses before it runs anything, so a sweep never runs something other than
 * what was typed: a value that does not parse exactly names its flag; a flag the chosen transport
 * does not honour is refused (udp runs on bare loopback: no profile, loss or link settings, no
 * workers; the simulator has no wall-clock time limit); a shard needs an explicit seed, or every
 * shard would draw its own and `whohas merge` would join runs of different sweeps.
 */
import type { Command } from 'commander';
import { parseCross, parseQueue, type TopologySettings } from '../bench/sweep/topology.ts';
import { parseCount, parseList } from '../bench/units.ts';
import type { Scheme } from '../impl/arq/codec.ts';
import { WhohasError } from '../impl/errors.ts';
import type { TopologyFlags } from './sweep-topology-flags.ts';

/** Flags honoured by one transport only: flag, commander attribute name. */
const ONLY_FOR: Record<'sim' | 'udp', [flag: string, key: string][]> = {
  sim: [
    ['--profile', 'profile'],
    ['--loss', 'loss'],
    ['--burst', 'burst'],
    ['--delay', 'delay'],
    ['--jitter', 'jitter'],
    ['--bandwidth', 'bandwidth'],
    ['--workers', 'workers'],
    ['--queue', 'jobQueue'],
    ['--pcap', 'pcap'],
  ],
  udp: [['--time-limit', 'timeLimit']],
};

const WHY: Record<'sim' | 'udp', string> = {
  sim: 'udp runs on bare loopback, in one process at a time',
  udp: 'the simulator runs in virtual time, where a wall-clock limit means nothing',
};

/** The options the user gave on the command line (not their defaults). */
export function givenOptions(command: Command): Set<string> {
  const given = new Set<string>();
  for (const option of command.options) {
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') given.add(key);
  }
  return given;
}

/** Refuses a flag the transport ignores, naming the flag and the transport that honours it. */
export function refuseInapplicable(transport: 'sim' | 'udp', given: Set<string>): void {
  const other = transport === 'sim' ? 'udp' : 'sim';
  for (const [flag, key] of ONLY_FOR[other]) {
    if (given.has(key)) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `${flag} applies to --transport ${other} only (${WHY[other]}); it would be ignored with --transport ${transport}`,
      );
    }
  }
}

/** A shard without --seed would draw its own random seed; without --out it has no sidecar. */
export function refuseUnseededShard(given: Set<string>): void {
  if (!given.has('shard')) return;
  if (!given.has('seed')) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      '--shard needs --seed: every shard must run the same seeds, or merge would join different sweeps',
    );
  }
  if (!given.has('out')) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      '--shard needs --out: its .json sidecar records the spec and seed that whohas merge checks',
    );
  }
}

/**
 * `--queue` names two things the issues both call a queue: a job queue (`redis://HOST:PORT`, any
 * value with a colon) and, with --topology, the bottleneck's queue (64KB, 100p). It may be given
 * twice, once for each. Splits them into `jobQueue` and `queue`, and `given` to match.
 */
export function splitQueueFlag<F extends { queue?: string[] | string; jobQueue?: string }>(
  flags: F,
  given: Set<string>,
): Omit<F, 'queue' | 'jobQueue'> & { queue?: string; jobQueue?: string } {
  const values = flags.queue === undefined ? [] : [flags.queue].flat();
  const jobQueue = values.filter((value) => value.includes(':'));
  const sizes = values.filter((value) => !value.includes(':'));
  if (jobQueue.length > 1 || sizes.length > 1) {
    throw new WhohasError('BAD_ARGUMENT', '--queue: give at most one Redis URL and one size');
  }
  given.delete('queue');
  if (sizes.length > 0) given.add('queue');
  if (jobQueue.length > 0) given.add('jobQueue');
  return { ...flags, queue: sizes[0], jobQueue: jobQueue[0] };
}

/** Worker threads are this machine's; with a queue the points run on `whohas worker` processes. */
export function refuseQueueWithWorkers(given: Set<string>): void {
  if (given.has('jobQueue') && given.has('workers')) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      '--workers applies to a local sweep; with --queue, start whohas worker --concurrency N instead',
    );
  }
}

/** `parse(text)`, its error prefixed with the flag, so the user knows which value is wrong. */
export function named<T>(flag: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof WhohasError)
      throw new WhohasError(error.code, `${flag}: ${error.message}`);
    throw error;
  }
}

/**
 * The topology a sweep runs, or undefined; refuses the topology flags without --topology, and a
 * topology on udp, with the peer engine, without --bandwidth, or a mix of fewer than 2 schemes.
 */
export function topologyFrom(
  flags: TopologyFlags,
  given: Set<string>,
  transport: 'sim' | 'udp',
  schemes: Scheme[],
): TopologySettings | undefined {
  if (flags.topology === undefined) {
    for (const key of ['flows', 'queue', 'cross', 'mix']) {
      if (given.has(key)) {
        throw new WhohasError('BAD_ARGUMENT', `--${key} applies with --topology only`);
      }
    }
    return undefined;
  }
  if (flags.topology !== 'dumbbell') {
    throw new WhohasError('BAD_ARGUMENT', `--topology must be dumbbell, not '${flags.topology}'`);
  }
  if (transport !== 'sim') {
    throw new WhohasError('BAD_ARGUMENT', '--topology applies to --transport sim only');
  }
  if (given.has('engine') && flags.engine !== 'gbn') {
    throw new WhohasError(
      'BAD_ARGUMENT',
      '--topology runs bare sender → receiver pairs: --engine gbn (or leave it out)',
    );
  }
  if (!given.has('bandwidth')) {
    throw new WhohasError('BAD_ARGUMENT', "--topology needs --bandwidth: the bottleneck's rate");
  }
  if (flags.mix && schemes.length < 2) {
    throw new WhohasError('BAD_ARGUMENT', '--mix needs at least two schemes: --arq gbn,sr');
  }
  return {
    kind: 'dumbbell',
    flows: named('--flows', flags.flows ?? '1', (text) => parseList(text, parseCount)),
    queue: named('--queue', flags.queue ?? '64KB', parseQueue),
    cross: flags.cross === undefined ? null : named('--cross', flags.cross, parseCross),
    mix: flags.mix ? schemes : null,
  };
}
