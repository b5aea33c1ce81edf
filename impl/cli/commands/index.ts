import type { Command } from 'commander';
import * as get from './get.ts';
import * as peer from './peer.ts';
import * as scenario from './scenario.ts';
import * as server from './server.ts';

export interface CommandModule {
  register(program: Command): void;
}

/** One line per subcommand module; keep alphabetical. */
export const commandModules: CommandModule[] = [get, peer, scenario, server];
