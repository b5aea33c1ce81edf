/**
 * Every scenario, and how a command line picks some: `all`, a family or tag, or a name.
 */
import { WhohasError } from '../impl/errors.ts';
import type { Scenario } from './format.ts';
import { lines } from './lines.ts';
import { login } from './login.ts';
import { malicious } from './malicious.ts';
import { nat } from './nat.ts';
import { server } from './server.ts';
import { transferFaults } from './transfers-faults.ts';
import { transferRequests } from './transfers-requests.ts';
import { transferSources } from './transfers-sources.ts';

export const catalogue: readonly Scenario[] = [
  ...lines,
  ...login,
  ...malicious,
  ...transferRequests,
  ...transferFaults,
  ...transferSources,
  ...server,
  ...nat,
];

/** `all`, an exact name, or a tag (every family is a tag). */
export function selectScenarios(selector = 'all'): Scenario[] {
  if (selector === 'all') return [...catalogue];
  const byName = catalogue.filter((scenario) => scenario.name === selector);
  if (byName.length > 0) return byName;
  const byTag = catalogue.filter((scenario) => scenario.tags.includes(selector));
  if (byTag.length > 0) return byTag;
  throw new WhohasError(
    'BAD_ARGUMENT',
    `no scenario or tag '${selector}' (tags: ${[...new Set(catalogue.flatMap((s) => s.tags))].join(', ')})`,
  );
}
