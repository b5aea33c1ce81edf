/**
 * The scenario format. A scenario is a named fault script: it builds a world on a seed, acts
 * under the fault (and asserts the outcome the user must see), then the runner heals the world
 * and the system must recover within a virtual-time budget. Invariants are checked by the
 * runner for every scenario, so a family module only says what is special about its faults.
 */
import type { BackendKind, LinkProfile } from '../harness/backend.ts';
import type { EvidenceSpec } from './evidence.ts';
import type { ScenarioWorld } from './world.ts';

/**
 * The link profile between peers during the fault phase (harness/backend.ts): `forward` is
 * requester→owner, i.e. the ACK direction of a download; `reverse` is owner→requester, the data
 * direction.
 */
export type { LinkProfile };

export interface Scenario {
  /** `family/name`, e.g. `transfers/loss-30`. */
  readonly name: string;
  readonly description: string;
  /** The family is always a tag; `real` marks scenarios that also run on loopback sockets. */
  readonly tags: readonly string[];
  readonly link: LinkProfile;
  /**
   * What the fault must leave behind (evidence.ts): counters it must move, or why none applies.
   * A run that keeps every invariant but leaves no evidence fails as `no-evidence`.
   */
  readonly evidence: EvidenceSpec;
  /** Virtual milliseconds for the fault phase and for recovery after healing. */
  readonly budget?: { faultMs?: number; healedMs?: number };
  /** Builds the world, applies the fault, acts, asserts what the user must see. */
  script(world: ScenarioWorld): Promise<void>;
  /** Extra recovery checks after healing (the runner's generic liveness probe always runs). */
  recover?(world: ScenarioWorld): Promise<void>;
}

export const DEFAULT_FAULT_BUDGET_MS = 120_000;
export const DEFAULT_HEALED_BUDGET_MS = 60_000;

/** Builds a family's list, prefixing names and adding the family tag. */
export function family(
  name: string,
  scenarios: Array<Omit<Scenario, 'name' | 'tags'> & { name: string; tags?: string[] }>,
): Scenario[] {
  return scenarios.map((scenario) => ({
    ...scenario,
    name: `${name}/${scenario.name}`,
    tags: [name, ...(scenario.tags ?? [])],
  }));
}

export function runsOn(scenario: Scenario, transport: BackendKind): boolean {
  return transport === 'sim' || scenario.tags.includes('real');
}
