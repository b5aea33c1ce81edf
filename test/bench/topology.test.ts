import test from 'ava';
import { expandMatrix, type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';
import { jainFairness, parseCross, parseQueue } from '../../bench/sweep/topology.ts';

const parses = test.macro({
  exec(t, parse: (text: string) => unknown, text: string, expected: unknown) {
    t.deepEqual(parse(text), expected);
  },
  title: (_, __, text: string, expected: unknown) => `'${text}' → ${JSON.stringify(expected)}`,
});

test(parses, parseQueue, '64KB', { bytes: 64000 });
test(parses, parseQueue, '64KiB', { bytes: 65536 });
test(parses, parseQueue, '100p', { packets: 100 });
test(parses, parseCross, '5Mbit', { rateBps: 5e6, onMs: 0, offMs: 0 });
test(parses, parseCross, '5Mbit:100ms/250ms', { rateBps: 5e6, onMs: 100, offMs: 250 });

const fairness = test.macro({
  exec(t, rates: number[], expected: number) {
    t.is(Number(jainFairness(rates).toFixed(6)), expected);
  },
  title: (_, rates: number[], expected: number) =>
    `Jain's index of ${rates.join(', ')} is ${expected}`,
});

test(fairness, [5, 5, 5, 5], 1);
test(fairness, [8, 0, 0, 0], 0.25); // one flow takes all: 1/n
test(fairness, [3, 1], 0.8); // 16 / (2 × 10)

const spec: SweepSpec = {
  ...unsweptDefaults(),
  transport: 'sim',
  engine: 'gbn',
  profiles: ['ideal'],
  schemes: ['gbn', 'sr'],
  windows: [8, 64],
  packetSizes: [1400],
  sizes: [1e6],
  losses: [0],
  seeds: [1],
};
const settings = { kind: 'dumbbell' as const, queue: { bytes: 64000 }, cross: null };

test('each point of the matrix runs once per flow count, renumbered in order', (t) => {
  const points = expandMatrix({ ...spec, topology: { ...settings, flows: [2, 4, 8], mix: null } });
  t.is(points.length, 2 * 2 * 3);
  t.deepEqual(
    points.map((point) => point.index),
    points.map((_, i) => i),
  );
  t.deepEqual(
    points.slice(0, 3).map((point) => point.topology?.flows),
    [2, 4, 8],
  );
});

test('a mix runs all its schemes in every point, so the scheme is not swept', (t) => {
  const points = expandMatrix({
    ...spec,
    topology: { ...settings, flows: [2], mix: ['gbn', 'sr'] },
  });
  t.is(points.length, 2); // two windows, one point each
  t.true(points.every((point) => point.topology?.mix?.join() === 'gbn,sr'));
});
