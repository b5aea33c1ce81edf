import test from 'ava';
import { Simulator } from '../../sim/index.ts';

/**
 * The clock's promise: every ready continuation runs before virtual time advances, however long
 * the chain of awaits. A measurement must not depend on how many awaits the code under test uses.
 */

async function awaitChain(steps: number): Promise<number> {
  for (let step = 0; step < steps; step++) await undefined;
  return steps;
}

const chainEndsAtItsTimer = test.macro({
  async exec(t, steps: number) {
    const sim = new Simulator({ seed: 3 });
    const clock = sim.addHost('h').platform.clock;
    let endedAt = -1;
    clock.setTimeout(() => {
      void awaitChain(steps).then(() => {
        endedAt = clock.now();
      });
    }, 10);
    // A later event: the clock must not jump to it while the chain is still running.
    clock.setTimeout(() => {}, 20);
    await sim.run();
    t.is(endedAt, 10);
    t.is(sim.now, 20);
  },
  title: (_, steps) => `a ${steps}-step await chain started by a 10 ms timer ends at exactly 10 ms`,
});

test(chainEndsAtItsTimer, 1);
test(chainEndsAtItsTimer, 5);
test(chainEndsAtItsTimer, 50);
test(chainEndsAtItsTimer, 2000);

test('until() on a promise a long chain settles runs no event', async (t) => {
  const sim = new Simulator({ seed: 3 });
  const clock = sim.addHost('h').platform.clock;
  let fired = false;
  clock.setTimeout(() => {
    fired = true;
  }, 5);
  t.is(await sim.until(awaitChain(50)), 50);
  t.false(fired);
  t.is(sim.now, 0);
});

test('two simulators driven at once each keep the guarantee', async (t) => {
  const ends = await Promise.all(
    [7, 13].map(async (at) => {
      const sim = new Simulator({ seed: at });
      const clock = sim.addHost('h').platform.clock;
      let endedAt = -1;
      clock.setTimeout(() => {
        void awaitChain(50).then(() => {
          endedAt = clock.now();
        });
      }, at);
      clock.setTimeout(() => {}, 100);
      await sim.run();
      return endedAt;
    }),
  );
  t.deepEqual(ends, [7, 13]);
});
