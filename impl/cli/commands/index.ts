import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

/** One line per subcommand module; keep alphabetical. */
export const commandModules: CommandModule[] = [];
