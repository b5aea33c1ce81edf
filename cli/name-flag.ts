/**
 * The --name check of `whohas get` and `whohas peer`, run by their actions rather than by
 * commander: it needs the chat's name rules and their homoglyph tables, which `--help` and every
 * other command should not load.
 */
import { InvalidArgumentError } from 'commander';
import { nameProblem } from '../impl/chat/wire.ts';

export function checkNameFlag(name: string | undefined): void {
  if (name === undefined) return;
  const problem = nameProblem(name);
  if (problem) {
    throw new InvalidArgumentError(`--name: "${name}" is not a valid name: ${problem}`);
  }
}
