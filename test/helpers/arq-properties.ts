/**
 * fast-check pieces for property tests of any pair of cores over the pure channel
 * (arq-channel.ts): generated files, ISNs, schedules of fates, options of either scheme, and the
 * property every pair must keep.
 */
import fc from 'fast-check';
import type { Scheme } from '../../impl/arq/codec.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { corePair, cycle, type Fate, outcomeProblem, runChannel } from './arq-channel.ts';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/**
 * Runs a property `numRuns` times (seeded by FC_SEED when set); a failure fails the test with
 * fast-check's report: the seed, the path and the shrunk counterexample.
 */
export function checkProperty<T>(
  t: { fail: (m: string) => void; true: (v: boolean, m?: string) => void },
  property: fc.IProperty<T>,
  numRuns: number,
): void {
  const details = fc.check(property, { numRuns, seed });
  if (details.failed) t.fail(fc.defaultReportMessage(details) ?? `failed, seed ${details.seed}`);
  else t.true(details.numRuns === numRuns, `${details.numRuns} of ${numRuns} runs`);
}

const fateArb = (lossPct: number, dupPct: number, corruptPct: number): fc.Arbitrary<Fate> =>
  fc
    .record({
      roll: fc.integer({ min: 0, max: 99 }),
      dupRoll: fc.integer({ min: 0, max: 99 }),
      corruptRoll: fc.integer({ min: 0, max: 99 }),
      delayMs: fc.integer({ min: 1, max: 60 }),
      duplicateDelayMs: fc.integer({ min: 0, max: 40 }),
    })
    .map(({ roll, dupRoll, corruptRoll, delayMs, duplicateDelayMs }) => ({
      lost: roll < lossPct,
      duplicate: dupRoll < dupPct,
      corrupt: corruptRoll < corruptPct,
      delayMs,
      duplicateDelayMs,
    }));

/**
 * A schedule: 1..40 fates repeated, with a loss rate of 0..40 %, duplication 0..20 %, corruption
 * 0..10 %, delays 1..60 ms (so datagrams overtake each other).
 */
export const scheduleArb: fc.Arbitrary<Fate[]> = fc
  .record({
    lossPct: fc.integer({ min: 0, max: 40 }),
    dupPct: fc.integer({ min: 0, max: 20 }),
    corruptPct: fc.integer({ min: 0, max: 10 }),
  })
  .chain(({ lossPct, dupPct, corruptPct }) =>
    fc.array(fateArb(lossPct, dupPct, corruptPct), { minLength: 1, maxLength: 40, size: 'max' }),
  );

/** Files of 0..1500 bytes (fast-check's own byte arrays stay tiny), bytes varying with a salt. */
export const fileArb: fc.Arbitrary<Buffer> = fc
  .record({ length: fc.integer({ min: 0, max: 1_500 }), salt: fc.integer({ min: 0, max: 255 }) })
  .map(({ length, salt }) => {
    const bytes = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) bytes[i] = (i * 131 + salt + (i >> 8)) & 0xff;
    return bytes;
  });

/** ISNs anywhere, often just below the wrap at 2^32. */
export const isnArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 0xffff_ffff }),
  fc.integer({ min: 0xffff_fff0, max: 0xffff_ffff }),
);

/** Options of scheme `arq`: windows 1..`maxWindow`, both congestion modes, short timers. */
export const optionsArb = (arq: Scheme, maxWindow: number): fc.Arbitrary<TransferOptionsInput> =>
  fc.record({
    arq: fc.constant(arq),
    packetSize: fc.constantFrom(68, 100),
    window: fc.integer({ min: 1, max: maxWindow }),
    congestion: fc.constantFrom('aimd' as const, 'none' as const),
    fastRetransmit: fc.boolean(),
    ack: fc.record({
      packets: fc.integer({ min: 1, max: 4 }),
      delayMs: fc.integer({ min: 1, max: 10 }),
    }),
    rto: fc.constant({ mode: 'adaptive', initialMs: 50, minMs: 10, maxMs: 400 } as const),
    maxRetries: fc.integer({ min: 2, max: 15 }),
  });

/**
 * What every pair of cores keeps: any schedule of loss, duplication, corruption and reordering
 * delivers exactly the file or ends in a coded failure on both sides.
 */
export const deliversOrFailsWithACode = (
  options: fc.Arbitrary<TransferOptionsInput>,
  deferHash = false,
) =>
  fc.property(fileArb, options, isnArb, scheduleArb, (file, o, isn, fates) => {
    const run = { ...corePair(file, o, isn, deferHash), schedule: cycle(fates) };
    const problem = outcomeProblem(run, runChannel(run));
    if (problem !== null) throw new Error(problem);
  });
