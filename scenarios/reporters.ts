/**
 * Machine-readable reports of a suite, one record per run: JSON (for scripts) and JUnit XML (for
 * CI dashboards). Each record carries the scenario, seed, transport, outcome, the evidence
 * counters and their verdict, wall and simulated milliseconds, and the exact replay command.
 * The XML is built by xmlbuilder2, which escapes markup and replaces characters XML 1.0 cannot
 * carry at all (NUL, other C0 controls, lone surrogates): error texts quote hostile input.
 * One catch: xmlbuilder2 leaves an `&` that already starts an entity (`&amp;`) alone, so a text
 * holding `&amp;` would read back as `&`; `safe` escapes every `&` first, which it then keeps.
 * xmlbuilder2 is loaded only when a JUnit report is asked for: it is a third of the CLI's start-up.
 */
import type { BackendKind } from '../harness/backend.ts';
import { EXIT_CODES, type RunResult, replayCommands } from './runner.ts';

export type ReporterName = 'table' | 'json' | 'junit';
export const REPORTERS: readonly ReporterName[] = ['table', 'json', 'junit'];

export interface RunRecord {
  scenario: string;
  seed: number;
  transport: BackendKind;
  impairments: boolean;
  outcome: RunResult['outcome'];
  exitCode: number;
  phase: RunResult['phase'];
  evidence: Readonly<Record<string, number>>;
  verdict: string;
  wallMs: number;
  simMs: number;
  error?: string;
  replay: string;
}

export interface SuiteReport {
  /** The first seed: with `seeds`, names every run. */
  seed: number;
  seeds: number;
  transport: BackendKind;
  exitCode: number;
  wallMs: number;
  runs: RunRecord[];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Every `&` as `&amp;`, which xmlbuilder2 then keeps as it is (see above). */
const safe = (text: string) => text.replaceAll('&', '&amp;');

/** Attribute values through `safe`. */
function attributes(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, safe(v)]));
}

export function toRecord(result: RunResult): RunRecord {
  return {
    scenario: result.scenario,
    seed: result.seed,
    transport: result.transport,
    impairments: result.impairments,
    outcome: result.outcome,
    exitCode: EXIT_CODES[result.outcome],
    phase: result.phase,
    evidence: result.evidence,
    verdict: result.verdict,
    wallMs: round(result.wallMs),
    simMs: round(result.simMs),
    ...(result.error === undefined ? {} : { error: result.error }),
    replay: replayCommands(result)[0],
  };
}

export function toJson(report: SuiteReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * JUnit XML: a `testsuite` per family, a `testcase` per run (named with its seed and
 * transport), `failure` for broken invariants, missing recovery and missing evidence, `error`
 * for crashes; properties and system-out carry the evidence and the replay command.
 */
export async function toJunit(report: SuiteReport): Promise<string> {
  const { create } = await import('xmlbuilder2');
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const failed = (r: RunRecord) => r.outcome !== 'pass' && r.outcome !== 'crash';
  const count = (runs: RunRecord[]) => ({
    tests: String(runs.length),
    failures: String(runs.filter(failed).length),
    errors: String(runs.filter((r) => r.outcome === 'crash').length),
    skipped: '0',
    time: seconds(runs.reduce((t, r) => t + r.wallMs, 0)),
  });
  const root = doc.ele(
    'testsuites',
    attributes({
      name: `whohas scenarios (seed ${report.seed}, ${report.seeds} seeds, ${report.transport})`,
      ...count(report.runs),
    }),
  );
  const families = new Map<string, RunRecord[]>();
  for (const run of report.runs) {
    const family = run.scenario.split('/')[0];
    families.set(family, [...(families.get(family) ?? []), run]);
  }
  for (const [family, runs] of families) {
    const suite = root.ele('testsuite', attributes({ name: family, ...count(runs) }));
    for (const run of runs) {
      const testcase = suite.ele(
        'testcase',
        attributes({
          classname: family,
          name: `${run.scenario} [seed ${run.seed}, ${run.transport}${run.impairments ? '' : ', no impairments'}]`,
          time: seconds(run.wallMs),
        }),
      );
      const properties = testcase.ele('properties');
      const property = (name: string, value: string | number) =>
        properties.ele('property', attributes({ name, value: String(value) }));
      property('seed', run.seed);
      property('transport', run.transport);
      property('outcome', run.outcome);
      property('verdict', run.verdict);
      property('simMs', run.simMs);
      property('replay', run.replay);
      for (const [name, value] of Object.entries(run.evidence)) property(`evidence.${name}`, value);
      if (run.outcome !== 'pass') {
        testcase
          .ele(
            run.outcome === 'crash' ? 'error' : 'failure',
            attributes({
              type: run.outcome,
              message: `${run.outcome} in the ${run.phase} phase: ${firstLine(run.error ?? run.verdict)}`,
            }),
          )
          .txt(safe(`${run.error ?? run.verdict}\nreplay with: ${run.replay}`));
      }
      testcase.ele('system-out').txt(safe(`${run.verdict}\nreplay: ${run.replay}`));
    }
  }
  return `${doc.end({ prettyPrint: true })}\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
