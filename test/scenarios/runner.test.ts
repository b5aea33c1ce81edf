/**
 * The harness itself: each invariant catches its violation, failures are classed by exit code,
 * runs replay exactly from their seed, and selection finds scenarios by name, family and tag.
 * Serial: the runner listens for unhandled rejections process-wide during a run.
 */
import test from 'ava';
import type { LineClient } from '../../harness/line-client.ts';
import { selectScenarios } from '../../scenarios/catalogue.ts';
import type { Scenario } from '../../scenarios/format.ts';
import { invariant } from '../../scenarios/invariants.ts';
import { runSuite } from '../../scenarios/report.ts';
import { exitCode, type RunOutcome, replayCommands, runScenario } from '../../scenarios/runner.ts';
import { buildSwarm } from '../../scenarios/swarm.ts';
import type { ScenarioWorld } from '../../scenarios/world.ts';

function scenario(
  script: (world: ScenarioWorld) => Promise<void>,
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    name: 'test/synthetic',
    description: 'synthetic',
    tags: ['test'],
    link: 'lan',
    evidence: { none: 'synthetic: the harness itself is under test' },
    script,
    ...extra,
  };
}

async function room(world: ScenarioWorld) {
  await world.startServer();
  return world.login('alice', 'lobby', { create: true });
}

/** A file `name` that no download made, in bob's watched download folder. */
async function strayFileInDownloads(world: ScenarioWorld, name: string): Promise<void> {
  world.watchDownloads('bob', '/folder');
  await world.until(world.host('bob').platform.fs.mkdir('/folder'));
  await world.until(world.host('bob').platform.fs.writeFile(`/folder/${name}`, Buffer.alloc(3)));
}

const outcomeOf = test.macro(
  async (
    t,
    script: (world: ScenarioWorld) => Promise<void>,
    expected: RunOutcome,
    extra: Partial<Scenario> = {},
  ) => {
    const result = await runScenario(scenario(script, extra), 7, 'sim');
    t.is(result.outcome, expected, result.error);
  },
);

/** `spoil` runs under the fault after alice has joined a room: the run must break an invariant. */
const breaksInvariant = test.macro(
  async (t, spoil: (world: ScenarioWorld, alice: LineClient) => Promise<unknown> | undefined) => {
    const script = async (world: ScenarioWorld) => void (await spoil(world, await room(world)));
    const result = await runScenario(scenario(script), 7, 'sim');
    t.is(result.outcome, 'invariant', result.error);
  },
);

test.serial(
  'a clean scenario passes',
  outcomeOf,
  async (world) => void (await room(world)),
  'pass',
);

test.serial('a failed expectation is an invariant', breaksInvariant, async () => {
  invariant(false, 'expected something else');
});

test.serial(
  'an unexpected exception is a crash',
  outcomeOf,
  async (world) => {
    await room(world);
    (undefined as unknown as { x: () => void }).x();
  },
  'crash',
);

test.serial(
  'no recovery after healing is a liveness failure',
  outcomeOf,
  async (world) => void (await room(world)),
  'no-recovery',
  {
    // A check that never settles: the healed phase runs out of time.
    recover: (world) =>
      world.until(
        new Promise<void>(() => world.host('x').platform.clock.setTimeout(() => {}, 1e9)),
      ),
    budget: { healedMs: 1000 },
  },
);

test.serial(
  'a hang under the fault (no reply ever comes) is an invariant',
  breaksInvariant,
  async (world, alice) => {
    await world.until(alice.expect('never sent by anyone'));
  },
);

test.serial(
  'a well-behaved client cut off by the fault breaks the invariant',
  breaksInvariant,
  async (world, alice) => {
    alice.destroy();
    await world.until(alice.whenClosed());
  },
);

test.serial(
  'a clobbered pre-existing file breaks the invariant',
  breaksInvariant,
  async (world) => {
    await world.seedFile('bob', '/folder/keep.txt', Buffer.from('original'));
    await world.until(
      world.host('bob').platform.fs.writeFile('/folder/keep.txt', Buffer.from('changed')),
    );
  },
);

test.serial(
  'a partial temp file left behind breaks the invariant',
  breaksInvariant,
  async (world) => {
    await strayFileInDownloads(world, '.whohas-x.part');
  },
);

test.serial(
  'an unexpected file in a download folder breaks the invariant',
  breaksInvariant,
  async (world) => {
    await strayFileInDownloads(world, 'junk');
  },
);

test.serial(
  'a completed download that differs from its source breaks the invariant',
  outcomeOf,
  async (world) => {
    const swarm = await buildSwarm(world, [
      { name: 'bob', files: { 'f.bin': world.bytes(5000) } },
      { name: 'alice' },
    ]);
    const got = await swarm.expectDownload('alice', 'bob', 'f.bin');
    await world.until(
      swarm.get('alice').host.platform.fs.writeFile(got.path, Buffer.from('tampered')),
    );
  },
  'invariant',
);

test.serial(
  'an error line without a code and text breaks the invariant',
  breaksInvariant,
  async (world) => {
    world.transcripts.push({ label: 'fake', lines: ['ERROR|something went wrong'] });
  },
);

test.serial(
  'an error without a code that reached a user breaks the invariant',
  breaksInvariant,
  async (world) => {
    world.userErrors.push(new Error('no code'));
  },
);

test.serial('the same seed replays the same run; the seed matters', async (t) => {
  const [chosen] = selectScenarios('transfers/loss-30');
  const first = await runScenario(chosen, 11, 'sim');
  const again = await runScenario(chosen, 11, 'sim');
  const other = await runScenario(chosen, 12, 'sim');
  t.is(first.outcome, 'pass', first.error);
  t.is(again.simMs, first.simMs);
  t.not(other.simMs, first.simMs);
});

test.serial(
  'the worst outcome decides the exit code; replay commands name seed and transport',
  (t) => {
    const base = { scenario: 'x/y', seed: 5, transport: 'sim' as const };
    t.is(exitCode([{ ...base, outcome: 'pass' }]), 0);
    t.is(
      exitCode([
        { ...base, outcome: 'invariant' },
        { ...base, outcome: 'pass' },
      ]),
      1,
    );
    t.is(
      exitCode([
        { ...base, outcome: 'invariant' },
        { ...base, outcome: 'no-recovery' },
      ]),
      2,
    );
    t.is(
      exitCode([
        { ...base, outcome: 'crash' },
        { ...base, outcome: 'no-recovery' },
      ]),
      3,
    );
    // No evidence is code 4 but the mildest failure: any other failure's code wins over it.
    t.is(exitCode([{ ...base, outcome: 'no-evidence' }]), 4);
    t.is(
      exitCode([
        { ...base, outcome: 'no-evidence' },
        { ...base, outcome: 'invariant' },
      ]),
      1,
    );
    t.deepEqual(replayCommands(base), [
      'npx whohas scenario x/y --seed 5',
      'npm run whohas -- scenario x/y --seed 5',
    ]);
    t.is(
      replayCommands({ ...base, transport: 'real' })[0],
      'npx whohas scenario x/y --seed 5 --transport real',
    );
  },
);

test.serial(
  'scenarios are selected by name, family, tag or all; an unknown one is refused',
  (t) => {
    t.deepEqual(
      selectScenarios('lines/no-at').map((s) => s.name),
      ['lines/no-at'],
    );
    t.true(selectScenarios('login').every((s) => s.name.startsWith('login/')));
    t.true(selectScenarios('real').every((s) => s.tags.includes('real')));
    t.is(selectScenarios('all').length, selectScenarios().length);
    t.throws(() => selectScenarios('no-such-thing'), { message: /no scenario or tag/ });
    const names = selectScenarios('all').map((s) => s.name);
    t.is(new Set(names).size, names.length, 'scenario names are unique');
  },
);

test.serial(
  'the suite prints the seed first, a table, and each failure with its replay command',
  async (t) => {
    const printed: string[] = [];
    const failing = scenario(async (world) => {
      await room(world);
      invariant(world.seed !== 41, 'seed 41 is unlucky');
    });
    const suite = await runSuite([failing], {
      seed: 40,
      seeds: 3,
      transport: 'sim',
      print: (line) => printed.push(line),
    });
    t.is(printed[0], 'seed: 40..42 (transport sim, 1 scenarios)');
    t.regex(printed[1], /^scenario\s+seeds\s+result\s+simulated\s+wall$/);
    t.regex(printed[2], /^test\/synthetic\s+3\s+FAIL invariant\s/);
    t.true(printed.includes('    npx whohas scenario test/synthetic --seed 41'));
    t.true(printed.includes('    npm run whohas -- scenario test/synthetic --seed 41'));
    t.false(printed.some((line) => line.includes('--seed 40') || line.includes('--seed 42')));
    t.is(suite.exitCode, 1);
  },
);

test.serial('an outbox past its bound breaks the invariant', breaksInvariant, async (world) => {
  // As if a connection had queued 8 MiB: the meter's reading is what the invariant judges.
  world.servers[0].meter.maxWritableLength = 8 * 1024 * 1024;
});

test.serial(
  'server bookkeeping that disagrees with the open sockets breaks the invariant',
  breaksInvariant,
  async (world) => {
    world.servers[0].meter.open += 1;
  },
);
