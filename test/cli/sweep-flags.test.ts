/**
 * `whohas sweep` never runs something other than what was typed: each case is refused before a
 * single point runs, with a message naming the flag. Driven through the real commander program,
 * in-process (a refused sweep throws from its action).
 */

import test from 'ava';
import { Command } from 'commander';
import { register } from '../../cli/commands/sweep.ts';

// A tiny matrix, so a case that is wrongly accepted runs in a moment instead of a full sweep.
const TINY = ['--engine', 'gbn', '--window', '1', '--size', '2048', '--no-progress'];

async function sweep(args: string[]): Promise<unknown> {
  const program = new Command('whohas').exitOverride();
  register(program);
  program.commands[0].exitOverride();
  try {
    await program.parseAsync(['sweep', ...TINY, ...args], { from: 'user' });
    return undefined;
  } catch (error) {
    return error;
  }
}

const refused = test.macro({
  async exec(t, args: string[], message: RegExp) {
    const error = await sweep(args);
    t.true(error instanceof Error, `sweep ${args.join(' ')} ran`);
    t.regex((error as Error).message, message);
  },
  title: (_, args: string[]) => `refused: whohas sweep ${args.join(' ')}`,
});

// Options the transport does not honour (udp runs on bare loopback; sim has no wall clock).
test(refused, ['--transport', 'udp', '--profile', 'wan'], /--profile applies to --transport sim/);
test(refused, ['--transport', 'udp', '--loss', '1%'], /--loss applies to --transport sim/);
test(refused, ['--transport', 'udp', '--burst', '3'], /--burst applies to --transport sim/);
test(refused, ['--transport', 'udp', '--delay', '10ms'], /--delay applies to --transport sim/);
test(refused, ['--transport', 'udp', '--workers', '2'], /--workers applies to --transport sim/);
test(refused, ['--time-limit', '5s'], /--time-limit applies to --transport udp/);
// A queue's workers run simulated points elsewhere: loopback points and local threads do not fit.
test(
  refused,
  ['--transport', 'udp', '--queue', 'redis://127.0.0.1:6379'],
  /--queue applies to --transport sim/,
);
test(
  refused,
  ['--queue', 'redis://127.0.0.1:6379', '--workers', '2'],
  /--workers applies to a local sweep; with --queue, start whohas worker --concurrency N/,
);
test(refused, ['--queue', 'localhost:6379'], /--queue: '.*' is not a Redis URL/);
// Shards: one seed for all, and a sidecar for merge to check.
test(refused, ['--shard', '1/2', '--out', 'x.csv'], /--shard needs --seed/);
test(refused, ['--shard', '1/2', '--seed', '3'], /--shard needs --out/);
// Values that do not parse exactly name their flag.
test(refused, ['--loss', '0..10%+2'], /^--loss: bad probability '2'/);
test(refused, ['--delay', '10ms..50ms+10q'], /^--delay: bad duration/);
test(refused, ['--seeds', '3x'], /^--seeds: bad count '3x'/);
test(refused, ['--repeat', '0'], /^--repeat: bad count/);
test(refused, ['--rto', '10q'], /^--rto: bad duration '10q'/);
test(refused, ['--ack-every', '1.5'], /^--ack-every: bad count/);
test(refused, ['--seed', '-1'], /^--seed: bad seed/);
test(refused, ['--shard', '3/2', '--seed', '1', '--out', 'x.csv'], /^--shard: bad shard/);
test(refused, ['--workers', 'many'], /^--workers: bad/);
test(refused, ['--profile', 'wann'], /--profile must be one of .*not 'wann'/);
