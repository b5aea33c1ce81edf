/** Ending a child role process: ask, close its stdin (its read loop then ends), kill if it lingers. */
import type { RoleProcess } from '../../harness/roles.ts';

export async function stopRole(role: RoleProcess, graceMs: number): Promise<void> {
  role.send({ type: 'exit' });
  role.child.stdin?.end();
  const timer = setTimeout(() => role.kill(), graceMs);
  await role.exited;
  clearTimeout(timer);
}

/** Calls `expire` once `seconds` of wall time have passed, unless cleared first. */
export function wallTimeLimit(
  seconds: number,
  expire: () => void,
): { readonly expired: boolean; clear(): void } {
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    expire();
  }, seconds * 1000);
  return {
    get expired() {
      return expired;
    },
    clear: () => clearTimeout(timer),
  };
}
