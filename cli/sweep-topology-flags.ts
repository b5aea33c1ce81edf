/**
 * The competing-flows options of `whohas sweep` (bench/sweep/topology.ts): their definitions only,
 * so `--help` loads none of the bench; sweep-flags.ts checks the values when the sweep runs.
 */
import type { Command } from 'commander';

/** The competing-flows flags (bench/sweep/topology.ts), as commander gives them. */
export interface TopologyFlags {
  engine: string;
  topology?: string;
  flows?: string;
  queue?: string;
  cross?: string;
  mix?: boolean;
}

export function addTopologyOptions(command: Command): Command {
  return command
    .option(
      '--topology <shape>',
      'dumbbell: --flows K transfers at once across one bottleneck (--bandwidth, --delay)',
    )
    .option('--flows <list>', 'with --topology: simultaneous sender → receiver pairs', '1')
    .option(
      '--cross <rate[:on/off]>',
      'with --topology: cross traffic, 5Mbit (constant) or 5Mbit:100ms/100ms',
    )
    .option(
      '--mix',
      'with --topology and --arq gbn,sr: the schemes share the bottleneck (flow i runs scheme i mod n)',
    );
}
