/**
 * `whohas scenario` end to end, as a user and a CI job run it: the seed first, the table, the
 * machine reports, and an exit code per class of result (0 pass, 1 invariant, 4 no evidence,
 * 64 usage, 73 unwritable report; 2 and 3 are classed in runner.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SOURCE_CLI } from '../../harness/whohas-process.ts';
import type { SuiteReport } from '../../scenarios/reporters.ts';

function whohas(...args: string[]) {
  return spawnSync(process.execPath, [...SOURCE_CLI, 'scenario', ...args], { encoding: 'utf8' });
}

test('a named scenario prints its seed first, then a passing row, and exits 0', (t) => {
  const run = whohas('lines/crlf-lf-mixed', '--seed', '3', '--seeds', '2');
  const lines = run.stdout.trim().split('\n');
  t.is(lines[0], 'seed: 3..4 (transport sim, 1 scenarios)');
  t.regex(lines[2], /^lines\/crlf-lf-mixed\s+2\s+pass\s/);
  t.is(run.status, 0, run.stderr);
});

const usage = test.macro((t, args: string[], message: RegExp) => {
  const run = whohas(...args);
  t.is(run.status, 64, run.stderr);
  t.regex(run.stderr, message);
  t.is(run.stdout, '', 'nothing ran');
});

test(
  'an unknown selector is a usage error naming the tags',
  usage,
  ['no-such-family', '--seed', '1'],
  /no scenario or tag 'no-such-family' \(tags: lines, /,
);
test(
  '--seeds 0 is a usage error',
  usage,
  ['lines/no-at', '--seeds', '0'],
  /seeds must be a whole number >= 1/,
);
test(
  'an unknown reporter is a usage error',
  usage,
  ['lines/no-at', '--reporter', 'xml'],
  /must be table\|json\|junit/,
);
test(
  'an unknown option is a usage error',
  usage,
  ['lines/no-at', '--sed', '1'],
  /unknown option '--sed'/,
);
test(
  'a selection with nothing for the transport is a usage error',
  usage,
  ['malicious/all-flood', '--transport', 'real'],
  /has no scenario that runs with --transport real/,
);

test('a report file that cannot be written exits 73 before anything runs', (t) => {
  const run = whohas('lines/no-at', '--seed', '1', '--out', '/nonexistent-dir/report.xml');
  t.is(run.status, 73, run.stderr);
  t.is(run.stdout, '');
});

test('--list names every scenario of a family with its description', (t) => {
  const run = whohas('server', '--list');
  t.regex(run.stdout, /server\/port-taken {2}\[server, real\] {2}The first ports are taken/);
  t.is(run.status, 0, run.stderr);
});

test('without impairments a fault scenario exits 4 (no evidence); JSON on stdout, table on stderr', (t) => {
  const run = whohas(
    'transfers/corruption',
    '--seed',
    '5',
    '--no-impairments',
    '--reporter',
    'json',
  );
  t.is(run.status, 4, run.stderr);
  const report = JSON.parse(run.stdout) as SuiteReport;
  t.like(report.runs[0], {
    scenario: 'transfers/corruption',
    seed: 5,
    outcome: 'no-evidence',
    exitCode: 4,
    impairments: false,
  });
  t.is(report.runs[0].evidence['net.corrupted'], 0);
  t.is(report.runs[0].replay, 'npx whohas scenario transfers/corruption --seed 5 --no-impairments');
  t.regex(run.stderr, /^seed: 5 \(transport sim, impairments off, 1 scenarios\)/);
});

test('a broken invariant exits 1; --out writes JUnit XML that parses, one case per run', (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'whohas-junit-')), 'report.xml');
  // loss-100 without loss: the download succeeds where a clean abort was required.
  const run = whohas(
    'transfers/loss-100',
    '--seed',
    '1',
    '--seeds',
    '2',
    '--no-impairments',
    '--reporter',
    'junit',
    '--out',
    out,
  );
  t.is(run.status, 1, run.stderr);
  t.regex(run.stdout, /^seed: 1\.\.2/, 'the table still reaches stdout');
  const xml = readFileSync(out, 'utf8');
  t.is(XMLValidator.validate(xml), true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  t.like(parsed.testsuites, { tests: '2', failures: '2', errors: '0' });
  t.is(parsed.testsuites.testsuite.testcase[1].failure.type, 'invariant');
});
