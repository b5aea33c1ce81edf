/**
 * The receiver/sender baselines as two role processes (harness/roles.ts): the parent's side and
 * the command line a baseline module runs with.
 */
import { isMain, type RoleProcess, runRole, spawnRole } from '../../harness/roles.ts';

/**
 * The parent's side of a receiver/sender baseline: spawns `<module> receiver ...receiverArgs`,
 * waits for its `{ port }`, spawns `<module> sender <port> ...senderArgs`, and runs `body` with
 * both; neither child outlives it.
 */
export async function withReceiverAndSender<T>(
  moduleUrl: string,
  receiverArgs: Array<string | number>,
  senderArgs: Array<string | number>,
  body: (receiver: RoleProcess, sender: RoleProcess) => Promise<T>,
): Promise<T> {
  const receiver = spawnRole(moduleUrl, ['receiver', ...receiverArgs.map(String)]);
  let sender: RoleProcess | undefined;
  try {
    const { port } = await receiver.next<{ port: number }>();
    sender = spawnRole(moduleUrl, ['sender', String(port), ...senderArgs.map(String)]);
    return await body(receiver, sender);
  } finally {
    receiver.kill();
    sender?.kill();
  }
}

/**
 * The command line of a baseline module run as a script: `receiver`/`sender` (numeric arguments)
 * run that child role; anything else is the parent's run, given the raw arguments.
 */
export async function baselineMain(
  moduleUrl: string,
  roles: {
    receiver: (...args: number[]) => Promise<void>;
    sender: (...args: number[]) => Promise<void>;
  },
  parent: (args: Array<string | undefined>) => Promise<void>,
): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const [role, ...args] = process.argv.slice(2);
  if (role === 'receiver' || role === 'sender') {
    await runRole(() => roles[role](...args.map(Number)));
  } else {
    await parent(process.argv.slice(2));
  }
}
