/**
 * Runs one scenario on one seed: fault phase, heal, recovery (liveness) within a virtual-time
 * budget, then the invariants every scenario must keep, then the evidence its fault must have
 * left (evidence.ts). The CLI and the CI tests both come through here, so a failure in CI
 * replays exactly with the printed command.
 */
import { performance } from 'node:perf_hooks';
import type { BackendKind } from '../harness/backend.ts';
import { isWhohasError } from '../impl/errors.ts';
import type { Counters } from './evidence.ts';
import { type FaultMark, judgeEvidence, markFaultEnd, readEvidence } from './evidence.ts';
import { DEFAULT_FAULT_BUDGET_MS, DEFAULT_HEALED_BUDGET_MS, type Scenario } from './format.ts';
import { checkInvariants, probeLiveness } from './invariants.ts';
import { createScenarioWorld } from './world.ts';

/** pass, or why not: the exit code of `whohas scenario` tells these apart. */
export type RunOutcome = 'pass' | 'invariant' | 'no-recovery' | 'crash' | 'no-evidence';

export const EXIT_CODES: Record<RunOutcome, number> = {
  pass: 0,
  invariant: 1,
  'no-recovery': 2,
  crash: 3,
  'no-evidence': 4,
};

/**
 * Which failure wins when several happen: a crash over everything, then no recovery, a broken
 * invariant, and last a run that kept everything but proved nothing.
 */
const SEVERITY: readonly RunOutcome[] = [
  'pass',
  'no-evidence',
  'invariant',
  'no-recovery',
  'crash',
];

export interface RunOptions {
  /** false: the network applies no impairment (premise checks: fault scenarios must fail). */
  impairments?: boolean;
  /** Given each run's packets as pcapng (drops and damage as comments); the simulator only. */
  onPcap?: (pcapng: Buffer, run: { scenario: string; seed: number }) => void;
}

export interface RunResult {
  scenario: string;
  seed: number;
  transport: BackendKind;
  /** false when run with the network's impairments switched off. */
  impairments: boolean;
  outcome: RunOutcome;
  phase: 'fault' | 'healed' | 'invariants' | 'evidence' | 'done';
  /** Counters read when the fault phase ended (or when the run failed inside it). */
  evidence: Counters;
  /** The evidence declaration judged against `evidence`. */
  verdict: string;
  /** Virtual milliseconds simulated (wall milliseconds on real sockets). */
  simMs: number;
  wallMs: number;
  error?: string;
}

export function classify(error: unknown, phase: RunResult['phase']): RunOutcome {
  if (isWhohasError(error, 'INVARIANT')) return 'invariant';
  if (isWhohasError(error, 'BUDGET_EXCEEDED') || isWhohasError(error, 'DEADLOCK')) {
    // A hang under the fault means the expected outcome (a reply, a clean abort) never came.
    return phase === 'fault' ? 'invariant' : 'no-recovery';
  }
  return 'crash';
}

function describe(error: unknown): string {
  if (isWhohasError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}

export async function runScenario(
  scenario: Scenario,
  seed: number,
  transport: BackendKind = 'sim',
  options: RunOptions = {},
): Promise<RunResult> {
  const wallStart = performance.now();
  const impairments = options.impairments ?? true;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  let phase: RunResult['phase'] = 'fault';
  let failure: unknown;
  const faultMs = scenario.budget?.faultMs ?? DEFAULT_FAULT_BUDGET_MS;
  const healedMs = scenario.budget?.healedMs ?? DEFAULT_HEALED_BUDGET_MS;
  // Teardown (closing peers and servers) gets room beyond the two phases.
  const maxTimeMs = faultMs + healedMs + 60_000;
  const world = await createScenarioWorld({
    seed,
    transport,
    link: scenario.link,
    unhandled,
    maxTimeMs,
    impairments,
    capture: options.onPcap !== undefined,
  });
  // Marked when the fault phase ends: what recovery does afterwards is no evidence of the fault.
  let mark: FaultMark | undefined;
  try {
    world.startPhase('fault', faultMs);
    await scenario.script(world);
    mark = markFaultEnd(world);
    phase = 'healed';
    world.heal();
    world.startPhase('healed', healedMs);
    await probeLiveness(world);
    if (scenario.recover) await scenario.recover(world);
    phase = 'invariants';
    await checkInvariants(world);
    phase = 'evidence';
  } catch (error) {
    failure = error;
  }
  const evidence = readEvidence(world, mark);
  const verdict = judgeEvidence(scenario.evidence, evidence);
  if (phase === 'evidence' && verdict.ok) phase = 'done';
  const simMs = world.elapsedMs();
  if (options.onPcap && world.sim) {
    options.onPcap(world.sim.pcap(`scenario ${scenario.name}`), { scenario: scenario.name, seed });
  }
  try {
    await world.dispose();
  } catch (error) {
    failure ??= error;
  }
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  let outcome: RunOutcome =
    failure !== undefined ? classify(failure, phase) : verdict.ok ? 'pass' : 'no-evidence';
  if (unhandled.length > 0 && outcome !== 'crash') {
    // An exception nobody handled is a crash, whatever else went wrong after it.
    failure = unhandled[0];
    outcome = 'crash';
  }
  // A run that proved nothing says so where failures say what broke.
  const error = failure !== undefined ? describe(failure) : verdict.ok ? undefined : verdict.text;
  return {
    scenario: scenario.name,
    seed,
    transport,
    impairments,
    outcome,
    phase,
    evidence,
    verdict: verdict.text,
    simMs,
    wallMs: performance.now() - wallStart,
    ...(error === undefined ? {} : { error }),
  };
}

/** The one command that replays a run exactly, in its npx and npm forms. */
export function replayCommands(
  result: Pick<RunResult, 'scenario' | 'seed' | 'transport'> & { impairments?: boolean },
): string[] {
  const transport = result.transport === 'sim' ? '' : ` --transport ${result.transport}`;
  const calm = result.impairments === false ? ' --no-impairments' : '';
  const args = `scenario ${result.scenario} --seed ${result.seed}${transport}${calm}`;
  return [`npx whohas ${args}`, `npm run whohas -- ${args}`];
}

/** The worst outcome (SEVERITY) decides the exit code. */
export function exitCode(results: ReadonlyArray<Pick<RunResult, 'outcome'>>): number {
  const worst = results.reduce<RunOutcome>(
    (w, r) => (SEVERITY.indexOf(r.outcome) > SEVERITY.indexOf(w) ? r.outcome : w),
    'pass',
  );
  return EXIT_CODES[worst];
}
