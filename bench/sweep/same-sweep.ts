/**
 * Shards merge only when they are slices of one sweep: the same spec and the same seed, as
 * recorded in each CSV's `.json` sidecar (bench/provenance.ts). Without that check, shards run
 * with different flags or seeds would join into one CSV that no single command could produce.
 */
import { WhohasError } from '../../impl/errors.ts';
import { type Provenance, sidecarPath } from '../provenance.ts';

export interface ShardOrigin {
  /** The CSV's path. */
  name: string;
  /** Its sidecar, if it has one. */
  provenance: Provenance | undefined;
}

/** Throws BAD_ARGUMENT naming the files and what differs, unless all come from one sweep. */
export function checkSameSweep(origins: ShardOrigin[]): void {
  let first: { name: string; seed: number; spec: string } | undefined;
  for (const { name, provenance } of origins) {
    if (provenance?.spec === undefined || provenance.seed === undefined) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `${name}: ${sidecarPath(name)} missing or without the sweep's spec and seed, so it cannot be matched to the other shards (run each shard with --seed and --out)`,
      );
    }
    const spec = JSON.stringify(provenance.spec);
    if (first === undefined) {
      first = { name, seed: provenance.seed, spec };
      continue;
    }
    if (provenance.seed !== first.seed) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        `${name} was run with seed ${provenance.seed} and ${first.name} with seed ${first.seed}: shards of different sweeps`,
      );
    }
    if (spec !== first.spec) {
      const keys = differingKeys(first.spec, spec);
      throw new WhohasError(
        'BAD_ARGUMENT',
        `${name} and ${first.name} are shards of different sweeps (they differ in ${keys.join(', ')})`,
      );
    }
  }
}

function differingKeys(a: string, b: string): string[] {
  const left = JSON.parse(a) as Record<string, unknown>;
  const right = JSON.parse(b) as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]));
}
