/**
 * The `whohas` command. Each subcommand lives in its own module under cli/commands/ and
 * exports `register(program)`; this file only assembles them.
 */
import { Command } from 'commander';
import { commandModules } from './commands/index.ts';

const program = new Command('whohas')
  .description('Chat-room based peer-to-peer file transfer, its network simulator and benchmarks')
  .showHelpAfterError()
  .enablePositionalOptions();

for (const module of commandModules) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`whohas: ${message}`);
  process.exitCode = process.exitCode || 1;
}
