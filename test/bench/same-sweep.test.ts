/**
 * `whohas merge` joins only shards of one sweep: each CSV's .json sidecar must carry the spec and
 * seed, and they must agree. Shards run with other flags or seeds are refused, naming the files.
 */
import test from 'ava';
import type { Provenance } from '../../bench/provenance.ts';
import { checkSameSweep, type ShardOrigin } from '../../bench/sweep/same-sweep.ts';

const spec = { transport: 'sim', windows: [1, 2, 4], losses: [0, 0.01], seeds: [5, 6] };

function sidecar(overrides: Partial<Provenance> = {}): Provenance {
  return {
    command: 'whohas sweep --seed 5',
    finished: '2026-01-01T00:00:00.000Z',
    wallSeconds: 1,
    machine: { os: 'linux', cpu: 'x', cores: 2, memoryGB: 1, node: 'v20' },
    seed: 5,
    spec,
    ...overrides,
  };
}

const shard = (name: string, provenance: Provenance | undefined): ShardOrigin => ({
  name,
  provenance,
});

test('shards of one spec and seed merge', (t) => {
  t.notThrows(() =>
    checkSameSweep([
      shard('s1.csv', sidecar({ shard: '1/2' })),
      shard('s2.csv', sidecar({ shard: '2/2' })),
    ]),
  );
});

const refused = test.macro({
  exec(t, second: Provenance | undefined, message: RegExp) {
    const error = t.throws(() =>
      checkSameSweep([shard('s1.csv', sidecar()), shard('s2.csv', second)]),
    );
    t.is((error as { code?: string }).code, 'BAD_ARGUMENT');
    t.regex(error?.message ?? '', message);
  },
  title: (name = '') => `merge refuses ${name}`,
});

test('a shard without a sidecar', refused, undefined, /s2\.csv: s2\.json missing/);
test('a sidecar without a spec', refused, sidecar({ spec: undefined }), /without the sweep's spec/);
test(
  'a sidecar without a seed',
  refused,
  sidecar({ seed: undefined }),
  /without the sweep's spec and seed/,
);
test(
  'another seed',
  refused,
  sidecar({ seed: 6 }),
  /s2\.csv was run with seed 6 and s1\.csv with seed 5/,
);
test(
  'another spec',
  refused,
  sidecar({ spec: { ...spec, windows: [1, 2] } }),
  /different sweeps \(they differ in windows\)/,
);
