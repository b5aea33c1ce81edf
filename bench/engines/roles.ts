/** Ending a child role process: ask, close its stdin (its read loop then ends), kill if it lingers. */
import type { RoleProcess } from '../baselines/process.ts';

export async function stopRole(role: RoleProcess, graceMs: number): Promise<void> {
  role.send({ type: 'exit' });
  role.child.stdin?.end();
  const timer = setTimeout(() => role.kill(), graceMs);
  await role.exited;
  clearTimeout(timer);
}
