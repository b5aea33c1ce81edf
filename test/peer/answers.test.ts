/**
 * whohas answers: a one-shot `get` starts once answers settle after the first one (settleMs),
 * not at the end of the whole window; without settleMs the window is waited out.
 */
import test from 'ava';
import { Answers } from '../../impl/peer/answers.ts';
import { Simulator } from '../../sim/index.ts';

const have = (file: string) => ({ kind: 'have', file, size: 5, address: '10.0.0.9' }) as const;

async function collect(settleMs: number | undefined) {
  const sim = new Simulator({ seed: 1 });
  const clock = sim.addHost('requester').platform.clock;
  const answers = new Answers(clock);
  // Owners answer 20, 50 and 200 ms after the question.
  for (const [user, at] of [
    ['ann', 20],
    ['bob', 50],
    ['cat', 200],
  ] as const) {
    sim.at(at, () => answers.deliver(user, have('x')));
  }
  const started = clock.now();
  const responders = await sim.until(answers.collect('x', 1_000, () => {}, undefined, settleMs));
  return { users: responders.map((r) => r.user), ms: clock.now() - started };
}

test('with settleMs, whohas ends max(settleMs, 2 × first delay) after the first answer', async (t) => {
  const { users, ms } = await collect(100);
  t.is(ms, 120, 'first answer at 20 ms, then 100 ms more (2 × 20 is less)');
  t.deepEqual(users, ['ann', 'bob']);
});

test('without settleMs, the whole window is waited out and every answer kept', async (t) => {
  const { users, ms } = await collect(undefined);
  t.is(ms, 1_000);
  t.deepEqual(users, ['ann', 'bob', 'cat']);
});

test('a slow first answer stretches the settling time to twice its delay', async (t) => {
  const { users, ms } = await collect(10);
  t.is(ms, 60, 'first at 20 ms; 2 × 20 = 40 ms more');
  t.deepEqual(users, ['ann', 'bob']);
});
