/**
 * Roles in separate processes: the parent spawns `node --import tsx <module> <role> ...` (over
 * child-process.ts) and both sides talk in JSON lines (parent → child on stdin, child → parent
 * on stdout). A child reports a failure as `{ error }`, which the parent's `next()` throws.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ChildLines } from './child-process.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** JSON messages in arrival order; `next()` waits for one. */
class Mailbox {
  readonly #queue: unknown[] = [];
  readonly #waiting: ((message: unknown) => void)[] = [];
  #closed = false;

  constructor(private readonly what: string) {}

  deliver(line: string): void {
    if (line.trim() === '') return;
    const message = JSON.parse(line);
    const waiter = this.#waiting.shift();
    if (waiter) waiter(message);
    else this.#queue.push(message);
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ error: `${this.what} closed` });
  }

  next<T = Record<string, unknown>>(): Promise<T> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() as T);
    if (this.#closed) return Promise.reject(new Error('channel closed'));
    return new Promise((resolve) => this.#waiting.push(resolve as (message: unknown) => void));
  }
}

export interface RoleProcess {
  readonly child: ChildProcess;
  send(message: object): void;
  /** The next JSON line the child printed; rejects if it reported `{ error }`. */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** The child's exit code (null if a signal ended it). */
  exited: Promise<number | null>;
  kill(): void;
}

/** Spawns `moduleUrl` as a role process with `args` (the first names the role). */
export function spawnRole(moduleUrl: string, args: string[], nodeArgs: string[] = []): RoleProcess {
  const file = fileURLToPath(moduleUrl);
  const child = new ChildLines(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    cwd: repoRoot,
    stderr: 'inherit',
  });
  const mailbox = new Mailbox(`child ${args[0]}`);
  child.onLine((line) => mailbox.deliver(line));
  child.onEnd(() => mailbox.close());
  return {
    child: child.child,
    send: (message) => child.write(JSON.stringify(message)),
    async next<T>() {
      const message = await mailbox.next<T & { error?: string }>();
      if (message.error !== undefined) throw new Error(`${args[0]}: ${message.error}`);
      return message;
    },
    exited: child.exited.then((exit) => exit.code),
    kill: () => child.kill(),
  };
}

/** The child's side: messages from the parent, and a way to answer. */
export function parentChannel(): {
  next<T = Record<string, unknown>>(): Promise<T>;
  send(message: object): void;
} {
  const mailbox = new Mailbox('parent');
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => mailbox.deliver(line));
  lines.on('close', () => mailbox.close());
  return {
    next: () => mailbox.next(),
    send: (message) => process.stdout.write(`${JSON.stringify(message)}\n`),
  };
}

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}

/** Runs a child role's body and reports a failure to the parent as `{ error }`. */
export async function runRole(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String((error as Error).stack ?? error) })}\n`);
    process.exitCode = 1;
  }
}
