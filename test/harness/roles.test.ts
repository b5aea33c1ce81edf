/**
 * The role runner over the one child-process mechanism: JSON lines both ways, a child's failure
 * reported to the parent as an error with its message, and the exit code.
 */
import test from 'ava';
import { spawnRole } from '../../harness/roles.ts';

const ECHO = new URL('./fixtures/echo-role.ts', import.meta.url).href;

test('a role answers in JSON lines and exits 0 when asked to', async (t) => {
  const role = spawnRole(ECHO, ['echo']);
  try {
    t.deepEqual(await role.next(), { ready: 'echo' });
    role.send({ echo: { n: 1, text: 'grüße' } });
    t.deepEqual(await role.next(), { echoed: { n: 1, text: 'grüße' } });
    // As bench/engines/roles.ts stops a role: ask, then close its stdin (its reader holds it up).
    role.send({ exit: true });
    role.child.stdin?.end();
    t.is(await role.exited, 0);
  } finally {
    role.kill();
  }
});

test("a role's failure reaches the parent as an error, and the exit code is 1", async (t) => {
  const role = spawnRole(ECHO, ['echo']);
  try {
    await role.next();
    role.send({ fail: 'disk on fire' });
    await t.throwsAsync(role.next(), { message: /^echo: Error: disk on fire/ });
    role.child.stdin?.end();
    t.is(await role.exited, 1);
  } finally {
    role.kill();
  }
});
