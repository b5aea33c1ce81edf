/**
 * A login dialog waiting for its cluster holds the client's lines and gives them back in order;
 * on one server (an answer that is a value) nothing is held and the step runs at once.
 */
import test from 'ava';
import { HeldLines } from '../../impl/chat/held-lines.ts';

test('an immediate answer runs the step at once and holds nothing', (t) => {
  const held = new HeldLines();
  const result = held.await(
    'ok',
    (value) => `step saw ${value}`,
    () => 'failed',
    t.fail,
  );
  t.is(result, 'step saw ok');
  t.false(held.hold('next line'), 'nothing is waiting, so the line is not held');
});

test('lines arriving while the cluster answers are held, then given back in order', async (t) => {
  const held = new HeldLines();
  let answer!: (value: string) => void;
  const after = new Promise<[string, string[]]>((resolve) => {
    const pending = new Promise<string>((r) => {
      answer = r;
    });
    t.is(
      held.await(
        pending,
        (v) => `step saw ${v}`,
        () => 'failed',
        (...a) => resolve(a),
      ),
      undefined,
    );
  });
  t.true(held.hold('create'));
  t.true(held.hold('lab'));
  answer('ok');
  t.deepEqual(await after, ['step saw ok', ['create', 'lab']]);
  t.false(held.hold('later'), 'nothing is held once the answer came');
});

test('a failed answer runs the failure step', async (t) => {
  const held = new HeldLines();
  const result = await new Promise<string>((resolve) => {
    held.await(
      Promise.reject(new Error('redis away')),
      () => 'step',
      () => 'failed',
      resolve,
    );
  });
  t.is(result, 'failed');
});
