/**
 * Evidence: declarations are judged against counters, counters are read off what users saw and
 * what transfers reported, and a run that keeps every invariant but proves nothing (or declares
 * nothing) fails as `no-evidence`. Serial: the runner listens process-wide during a run.
 */
import test from 'ava';
import type { TransferStats } from '../../impl/arq/index.ts';
import { WhohasError } from '../../impl/errors.ts';
import type { TransferEnd } from '../../impl/peer/types.ts';
import {
  type Counters,
  collectEvidence,
  dependsOnImpairment,
  type EvidenceSpec,
  judgeEvidence,
  proves,
  refusalsIn,
} from '../../scenarios/evidence.ts';
import type { Scenario } from '../../scenarios/format.ts';
import { runScenario } from '../../scenarios/runner.ts';
import { buildSwarm } from '../../scenarios/swarm.ts';

const judged = test.macro(
  (t, spec: EvidenceSpec | undefined, counters: Counters, ok: boolean, text: RegExp) => {
    const verdict = judgeEvidence(spec, counters);
    t.is(verdict.ok, ok, verdict.text);
    t.regex(verdict.text, text);
  },
);

test(
  'every required counter reached: proved',
  judged,
  proves('net.lost', { counter: 'error.X', atLeast: 2 }),
  { 'net.lost': 3, 'error.X': 2 },
  true,
  /^proved: net\.lost=3, error\.X=2$/,
);
test(
  'a counter below its minimum: no evidence, naming it',
  judged,
  proves({ counter: 'error.X', atLeast: 2 }),
  { 'error.X': 1 },
  false,
  /error\.X=1 \(needs >= 2\)/,
);
test(
  'a counter never moved counts as zero',
  judged,
  proves('net.corrupted'),
  {},
  false,
  /net\.corrupted=0/,
);
test(
  'none with a reason passes and says why',
  judged,
  { none: 'the script asserts it' },
  {},
  true,
  /no counter applies: the script asserts it/,
);
test('none without a reason fails', judged, { none: '  ' }, {}, false, /without saying why/);
test('an empty proves list fails', judged, proves(), { 'net.lost': 9 }, false, /empty list/);
test(
  'no declaration at all fails',
  judged,
  undefined,
  { 'net.lost': 9 },
  false,
  /declares no evidence/,
);

test('refusalsIn counts each expected ERROR code and ignores other replies', (t) => {
  t.deepEqual(refusalsIn(['ERROR|BAD_NAME|', 'OK|Username x', 'ERROR|BAD_NAME|', 'ERROR|X_1|']), [
    { counter: 'error.BAD_NAME', atLeast: 2 },
    { counter: 'error.X_1', atLeast: 1 },
  ]);
});

test('only network counters make a scenario depend on an impairment', (t) => {
  t.true(dependsOnImpairment(proves('net.lost', 'transfer.retransmits')));
  t.true(dependsOnImpairment(proves({ counter: 'net.stalled', atLeast: 1 })));
  t.false(dependsOnImpairment(proves('transfer.ignored', 'host.crashes')));
  t.false(dependsOnImpairment({ none: 'framing' }));
});

function end(stats: Partial<TransferStats> | undefined, error?: WhohasError): TransferEnd {
  const info = { direction: 'upload' as const, user: 'u', file: 'f', transferId: 1, size: 9 };
  const base = { ...info, window: 16, packetSize: 2048, arq: 'gbn' as const };
  if (error) return { ...base, error };
  return {
    ...base,
    stats: { retransmits: 0, srttMs: Number.NaN, bytes: 0, ...stats } as TransferStats,
  };
}

test('counters come from error lines, refusals, API errors, transfer statistics and servers', (t) => {
  const counters = collectEvidence({
    transcripts: [
      {
        lines: ['ERROR|BAD_FORMAT|no @', 'OK|fine', '#bob|refused|x.bin|7|NOT_FOUND|no such file'],
      },
      { lines: ['ERROR|BAD_FORMAT|again', '#bob|hello|refused|A|B'] },
    ],
    userErrors: [new WhohasError('NOT_FOUND', 'x'), new Error('no code')],
    peerErrors: [new WhohasError('SERVER_GONE', 'gone')],
    transfers: [
      end({ retransmits: 4, srttMs: 41.6, bytes: 1_048_576 }),
      end({ retransmits: 1, srttMs: 3, bytes: 10 }),
      end(undefined, new WhohasError('TRANSFER_TIMEOUT', 't')),
    ],
    crashes: 2,
    serverStats: [{ cutOff: 1, killed: 0, refusedFull: 3, linesRateLimited: 0, badLines: 2 }],
    network: { 'net.lost': 5 },
  });
  t.like(counters, {
    'error.BAD_FORMAT': 2,
    'error.NOT_FOUND': 2,
    'error.SERVER_GONE': 1,
    'transfer.completed': 2,
    'transfer.failed': 1,
    'transfer.retransmits': 5,
    'transfer.maxSrttMs': 42,
    'transfer.maxBytes': 1_048_576,
    'host.crashes': 2,
    'server.cutOff': 1,
    'server.refusedFull': 3,
    'net.lost': 5,
  });
  // `#bob|hello|refused|...` is a chat message that mentions "refused", not a refusal.
  t.false('error.A' in counters);
  t.deepEqual(Object.keys(counters), Object.keys(counters).toSorted());
});

function synthetic(evidence: EvidenceSpec | undefined, link: Scenario['link'] = 'lan'): Scenario {
  return {
    name: 'test/evidence',
    description: 'a download of 30 kB',
    tags: ['test'],
    link,
    evidence: evidence as EvidenceSpec,
    async script(world) {
      const swarm = await buildSwarm(world, [
        { name: 'bob', files: { 'f.bin': world.bytes(30_000) } },
        { name: 'alice' },
      ]);
      await swarm.expectDownload('alice', 'bob', 'f.bin');
    },
  };
}

test.serial('a fault that left its evidence passes, with the counters in the result', async (t) => {
  const result = await runScenario(synthetic(proves('net.lost'), { loss: 0.2 }), 3);
  t.is(result.outcome, 'pass', result.error);
  t.true(result.evidence['net.lost'] > 0);
  t.regex(result.verdict, /^proved: net\.lost=\d+$/);
});

test.serial('a run that keeps every invariant but proves nothing is no-evidence', async (t) => {
  // The premise the whole mechanism exists for: a loss scenario on a path that loses nothing.
  const result = await runScenario(synthetic(proves('net.lost'), 'lan'), 3);
  t.is(result.outcome, 'no-evidence');
  t.is(result.phase, 'evidence');
  t.regex(result.error ?? '', /net\.lost=0 \(needs >= 1\)/);
});

test.serial('a scenario that declares no evidence fails as no-evidence', async (t) => {
  const result = await runScenario(synthetic(undefined), 3);
  t.is(result.outcome, 'no-evidence');
  t.regex(result.error ?? '', /declares no evidence/);
});

test.serial(
  'evidence is read when the fault phase ends: recovery traffic does not count',
  async (t) => {
    // After healing, the liveness probe moves a fresh file: it must not count as the fault's.
    const result = await runScenario(
      synthetic(proves({ counter: 'transfer.completed', atLeast: 3 })),
      3,
    );
    t.is(result.outcome, 'no-evidence', result.error);
    t.is(result.evidence['transfer.completed'], 2, 'the upload and the download, no more');
  },
);
