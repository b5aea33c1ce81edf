/**
 * Shards end to end, in-process through the real commands: `sweep --shard i/n --seed S --out`
 * records its spec and seed in the sidecar, `merge` joins shards of one sweep and refuses a
 * shard of another seed. The merged CSV equals the unsharded sweep's.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import * as merge from '../../cli/commands/merge.ts';
import * as sweep from '../../cli/commands/sweep.ts';

async function whohas(args: string[]): Promise<void> {
  const program = new Command('whohas').exitOverride();
  sweep.register(program);
  merge.register(program);
  await program.parseAsync(args, { from: 'user' });
}

const TINY = [
  '--engine',
  'gbn',
  '--window',
  '1,2,4',
  '--size',
  '4096',
  '--loss',
  '0',
  '--seeds',
  '1',
];

test('shards of one seed merge into the whole sweep; a shard of another seed or spec is refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-merge-'));
  const at = (name: string) => join(dir, name);
  try {
    const run = (extra: string[]) => whohas(['sweep', ...TINY, '--no-progress', ...extra]);
    await run(['--seed', '5', '--out', at('whole.csv')]);
    await run(['--seed', '5', '--shard', '1/2', '--out', at('s1.csv')]);
    await run(['--seed', '5', '--shard', '2/2', '--out', at('s2.csv')]);
    await run(['--seed', '6', '--shard', '2/2', '--out', at('other.csv')]);
    // The same seed and shard count, another matrix: s1 + wider would join without an overlap.
    await run(['--seed', '5', '--shard', '2/2', '--window', '1,8', '--out', at('wider.csv')]);
    const sidecar = JSON.parse(await readFile(at('s1.json'), 'utf8'));
    t.is(sidecar.seed, 5);
    t.deepEqual(sidecar.spec.windows, [1, 2, 4]);
    t.is(sidecar.shard, '1/2');

    await whohas(['merge', at('s2.csv'), at('s1.csv'), '--out', at('all.csv')]);
    t.is(await readFile(at('all.csv'), 'utf8'), await readFile(at('whole.csv'), 'utf8'));

    const error = await t.throwsAsync(
      whohas(['merge', at('s1.csv'), at('other.csv'), '--out', at('bad.csv')]),
    );
    t.regex(
      error?.message ?? '',
      /other\.csv was run with seed 6 .* seed 5: shards of different sweeps/,
    );
    const mixed = await t.throwsAsync(
      whohas(['merge', at('s1.csv'), at('wider.csv'), '--out', at('bad.csv')]),
    );
    t.regex(
      mixed?.message ?? '',
      /wider\.csv and .*s1\.csv are shards of different sweeps \(they differ in windows\)/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
