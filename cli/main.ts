/**
 * The `whohas` command. Each subcommand's module under cli/commands/ exports `register(program)`,
 * which declares its options and help; its action loads the implementation (`<name>-run.ts`)
 * with `await import()`, so `--help` and `--version` parse commander and the definitions only
 * (test/cli/startup-graph.test.ts). This file only assembles them.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commandModules } from './commands/index.ts';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('whohas')
  .version(manifest.version, '-V, --version', 'print the version (from package.json)')
  .description('Chat-room based peer-to-peer file transfer, its network simulator and benchmarks')
  .showHelpAfterError()
  .enablePositionalOptions();

for (const module of commandModules) module.register(program);
markRequired(program);

/** `--help` says which options a command cannot run without (commander does not mark them). */
function markRequired(command: Command): void {
  for (const option of command.options) {
    if (option.mandatory && !option.description.endsWith('(required)')) {
      option.description = `${option.description} (required)`;
    }
  }
  for (const sub of command.commands) markRequired(sub);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`whohas: ${message}`);
  process.exitCode = process.exitCode || 1;
}
