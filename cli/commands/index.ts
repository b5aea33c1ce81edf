import type { Command } from 'commander';
import * as get from './get.ts';
import * as merge from './merge.ts';
import * as peer from './peer.ts';
import * as report from './report.ts';
import * as reproduce from './reproduce.ts';
import * as scenario from './scenario.ts';
import * as server from './server.ts';
import * as stun from './stun.ts';
import * as sweep from './sweep.ts';
import * as worker from './worker.ts';

export interface CommandModule {
  register(program: Command): void;
}

/** One line per subcommand module; keep alphabetical. */
export const commandModules: CommandModule[] = [
  get,
  merge,
  peer,
  report,
  reproduce,
  scenario,
  server,
  stun,
  sweep,
  worker,
];
