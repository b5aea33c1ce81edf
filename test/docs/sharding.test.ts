/**
 * The batch-scheduler recipes in docs/sharding/ stay runnable: for every task a recipe starts,
 * its `whohas sweep` command (the scheduler's variables filled in) is one `whohas sweep` accepts,
 * with a fixed seed and the shard `i/n` of that task, n being the recipe's task count, and an
 * `--out` that the recipe's `whohas merge` pattern picks up. A recipe whose array size and shard
 * count drift apart, or that loses its seed, fails here.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import * as sweep from '../../cli/commands/sweep.ts';

const root = resolve(import.meta.dirname, '../..');

interface Recipe {
  /** The sweep command's arguments after `npx whohas sweep`, as written. */
  command: (text: string) => string;
  tasks: (text: string) => number;
  /** Fills in the scheduler's variables for task `i` (1-based) of `n`. */
  fill: (command: string, text: string, i: number, n: number) => string;
}

const yamlBlock = (text: string) =>
  /npx whohas sweep ([\s\S]*?)\n\s*(?:volumeMounts:|- uses:)/.exec(text)?.[1] ?? '';

const RECIPES: Record<string, Recipe> = {
  'slurm.sbatch': {
    command: (text) =>
      /npx whohas sweep ((?:.*\\\n)*.*)/.exec(text)?.[1].replace(/\\\n/g, ' ') ?? '',
    tasks: (text) => Number(/#SBATCH --array=1-(\d+)/.exec(text)?.[1]),
    fill: (command, text, i, n) =>
      command
        .replaceAll('"$SEED"', /^SEED=(\d+)$/m.exec(text)?.[1] ?? 'unset')
        .replaceAll('$SLURM_ARRAY_TASK_ID', String(i))
        .replaceAll('$SLURM_ARRAY_TASK_COUNT', String(n))
        .replaceAll('"$SLURM_CPUS_PER_TASK"', '4')
        .replaceAll('"', ''),
  },
  'k8s-indexed-job.yaml': {
    command: yamlBlock,
    tasks: (text) => Number(/^\s*completions: (\d+)$/m.exec(text)?.[1]),
    fill: (command, _text, i) => command.replaceAll('$((JOB_COMPLETION_INDEX + 1))', String(i)),
  },
  'github-actions.yml': {
    command: yamlBlock,
    tasks: (text) => (/^\s*shard: \[([\d, ]+)\]$/m.exec(text)?.[1] ?? '').split(',').length,
    fill: (command, text, i) =>
      command
        .replace(/\$\{\{ matrix\.shard \}\}/g, String(i))
        .replace(/\$\{\{ inputs\.seed \}\}/g, /default: "(\d+)"/.exec(text)?.[1] ?? 'unset'),
  },
};

/** The options `whohas sweep` parses from `args`, without running the sweep. */
async function sweepFlags(args: string[]): Promise<Record<string, unknown>> {
  const program = new Command('whohas').exitOverride();
  sweep.register(program);
  let flags: Record<string, unknown> = {};
  program.commands[0].exitOverride().action((parsed: Record<string, unknown>) => {
    flags = parsed;
  });
  await program.parseAsync(['sweep', ...args], { from: 'user' });
  return flags;
}

const recipe = test.macro({
  async exec(t, file: string) {
    const text = await readFile(join(root, 'docs/sharding', file), 'utf8');
    const { command, tasks, fill } = RECIPES[file];
    const n = tasks(text);
    t.true(n >= 2, `${file}: task count ${n}`);
    const merge = /npx whohas merge (\S+)/.exec(text)?.[1];
    if (!merge) return t.fail(`${file}: no whohas merge`);
    const merged = new RegExp(`^${merge.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`);
    const outs = new Set<string>();
    for (let i = 1; i <= n; i++) {
      const args = fill(command(text), text, i, n).trim().split(/\s+/);
      const flags = await sweepFlags(args);
      t.is(flags.shard, `${i}/${n}`, `${file} task ${i}`);
      t.regex(String(flags.seed), /^\d+$/, `${file}: a fixed seed`);
      t.regex(String(flags.out), merged, `${file}: merge reads ${flags.out}`);
      outs.add(String(flags.out));
    }
    t.is(outs.size, n, `${file}: every task writes its own CSV`);
  },
  title: (_, file: string) =>
    `the ${file} recipe runs every shard of one seeded sweep and merges them`,
});

for (const file of Object.keys(RECIPES)) test(recipe, file);
