/**
 * The machine reports parse back: JSON with one record per run, and JUnit XML that a real XML
 * parser (fast-xml-parser) accepts even when error texts quote hostile input (markup, quotes,
 * NUL and other characters XML cannot carry), with each run's outcome, evidence and replay.
 */
import test from 'ava';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type RunRecord, type SuiteReport, toJson, toJunit } from '../../scenarios/reporters.ts';

const HOSTILE = 'got "<ERROR|X|&amp;>" ]]> \u0000\u0007\u001b[2J \uD800 tab\there';

function record(overrides: Partial<RunRecord>): RunRecord {
  return {
    scenario: 'transfers/loss-30',
    seed: 7,
    transport: 'sim',
    impairments: true,
    outcome: 'pass',
    exitCode: 0,
    phase: 'done',
    evidence: { 'net.lost': 12, 'transfer.outOfOrder': 3 },
    verdict: 'proved: net.lost=12, transfer.outOfOrder=3',
    wallMs: 12.5,
    simMs: 17_000,
    replay: 'npx whohas scenario transfers/loss-30 --seed 7',
    ...overrides,
  };
}

const report: SuiteReport = {
  seed: 7,
  seeds: 2,
  transport: 'sim',
  exitCode: 3,
  wallMs: 40,
  runs: [
    record({}),
    record({
      seed: 8,
      outcome: 'no-evidence',
      exitCode: 4,
      phase: 'evidence',
      verdict: 'no evidence of the fault: net.lost=0 (needs >= 1)',
      error: 'no evidence of the fault: net.lost=0 (needs >= 1)',
    }),
    record({
      scenario: 'lines/no-at',
      outcome: 'crash',
      exitCode: 3,
      phase: 'fault',
      error: `TypeError: ${HOSTILE}`,
    }),
    record({
      scenario: 'lines/only-pipe',
      outcome: 'invariant',
      exitCode: 1,
      phase: 'fault',
      error: `INVARIANT: ${HOSTILE}`,
    }),
  ],
};

test('JSON parses back to one record per run, with evidence and replay', (t) => {
  const parsed = JSON.parse(toJson(report)) as SuiteReport;
  t.is(parsed.runs.length, 4);
  t.deepEqual(parsed.runs[0], report.runs[0]);
  t.is(parsed.runs[2].error, `TypeError: ${HOSTILE}`);
  t.is(parsed.exitCode, 3);
});

test('JUnit XML is well-formed even with hostile text in errors', async (t) => {
  const xml = await toJunit(report);
  t.is(XMLValidator.validate(xml), true);
  t.true(xml.includes('got &quot;&lt;ERROR|X|&amp;amp;&gt;&quot; ]]&gt;'), 'escaped in attributes');
  t.true(xml.includes('got "&lt;ERROR|X|&amp;amp;&gt;" ]]&gt;'), 'escaped in text');
  t.false(xml.includes('\u0000'));
  t.false(xml.includes('\u0007'));
});

test('JUnit XML carries a suite per family, a case per run, failures and errors by class', async (t) => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  const doc = parser.parse(await toJunit(report));
  const root = doc.testsuites;
  t.like(root, { tests: '4', failures: '2', errors: '1' });
  const suites = Object.fromEntries(root.testsuite.map((s: { name: string }) => [s.name, s]));
  t.deepEqual(Object.keys(suites).sort(), ['lines', 'transfers']);
  const [passed, unproved] = suites.transfers.testcase;
  t.is(passed.name, 'transfers/loss-30 [seed 7, sim]');
  t.is(passed.failure, undefined);
  const properties = Object.fromEntries(
    passed.properties.property.map((p: { name: string; value: string }) => [p.name, p.value]),
  );
  t.like(properties, {
    seed: '7',
    outcome: 'pass',
    'evidence.net.lost': '12',
    replay: 'npx whohas scenario transfers/loss-30 --seed 7',
  });
  t.is(unproved.failure.type, 'no-evidence');
  t.regex(unproved.failure['#text'], /net\.lost=0[\s\S]*replay with: npx whohas/);
  const [crashed, broken] = suites.lines.testcase;
  t.is(crashed.error.type, 'crash');
  t.regex(crashed.error['#text'], /^TypeError: got "<ERROR\|X\|&/);
  t.is(broken.failure.type, 'invariant');
});
