/**
 * `whohas scenario` end to end, as a user runs it: the seed first, the table, exit codes.
 */
import { spawnSync } from 'node:child_process';
import test from 'ava';

function whohas(...args: string[]) {
  return spawnSync(process.execPath, ['bin/whohas.js', 'scenario', ...args], { encoding: 'utf8' });
}

test('a named scenario prints its seed first, then a passing row, and exits 0', (t) => {
  const run = whohas('lines/crlf-lf-mixed', '--seed', '3', '--seeds', '2');
  const lines = run.stdout.trim().split('\n');
  t.is(lines[0], 'seed: 3..4 (transport sim, 1 scenarios)');
  t.regex(lines[2], /^lines\/crlf-lf-mixed\s+2\s+pass\s/);
  t.is(run.status, 0, run.stderr);
});

test('an unknown selector is refused with the known tags', (t) => {
  const run = whohas('no-such-family', '--seed', '1');
  t.not(run.status, 0);
  t.regex(run.stderr, /no scenario or tag 'no-such-family' \(tags: lines, /);
});

test('--list names every scenario of a family with its description', (t) => {
  const run = whohas('server', '--list');
  t.regex(run.stdout, /server\/port-taken {2}\[server, real\] {2}The first ports are taken/);
  t.is(run.status, 0, run.stderr);
});
