/**
 * What `whohas sweep` refuses before it runs anything, so a sweep never runs something other than
 * what was typed: a value that does not parse exactly names its flag; a flag the chosen transport
 * does not honour is refused (udp runs on bare loopback: no profile, loss or link settings, no
 * workers; the simulator has no wall-clock time limit); a shard needs an explicit seed, or every
 * shard would draw its own and `whohas merge` would join runs of different sweeps.
 */
import type { Command } from 'commander';
import { WhohasError } from '../impl/errors.ts';

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
    ['--queue', 'queue'],
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

/** Worker threads are this machine's; with a queue the points run on `whohas worker` processes. */
export function refuseQueueWithWorkers(given: Set<string>): void {
  if (given.has('queue') && given.has('workers')) {
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
