/**
 * The replay line of a simulated test: its seed and the one command that runs it again. Logged
 * with t.log, so ava prints it beside a failure.
 */
import test, { type ExecutionContext } from 'ava';

export function logReplay(t: ExecutionContext, seed: number | string): void {
  const file = test.meta.file.replace(/^file:\/\/.*?\/test\//, 'test/');
  t.log(`seed ${seed}; replay: npx ava ${file} --match '${t.title.replaceAll("'", "'\\''")}'`);
}
