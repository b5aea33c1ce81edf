/**
 * Benchmark roles in separate processes: the parent spawns `node --import tsx <file> <role>`;
 * both sides talk in JSON lines (parent → child on stdin, child → parent on stdout).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A JSON-lines mailbox over a readable stream. */
class Mailbox {
  readonly #queue: unknown[] = [];
  readonly #waiting: ((message: unknown) => void)[] = [];
  #closed = false;

  constructor(input: NodeJS.ReadableStream, what: string) {
    const lines = createInterface({ input });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const message = JSON.parse(line);
      const waiter = this.#waiting.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    lines.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter({ error: `${what} closed` });
    });
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
  exited: Promise<number | null>;
  kill(): void;
}

export function spawnRole(moduleUrl: string, args: string[], nodeArgs: string[] = []): RoleProcess {
  const file = fileURLToPath(moduleUrl);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const mailbox = new Mailbox(child.stdout!, `child ${args[0]}`);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    send: (message) => child.stdin!.write(`${JSON.stringify(message)}\n`),
    async next<T>() {
      const message = await mailbox.next<T & { error?: string }>();
      if (message.error !== undefined) throw new Error(`${args[0]}: ${message.error}`);
      return message;
    },
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** The child's side: messages from the parent, and a way to answer. */
export function parentChannel(): {
  next<T = Record<string, unknown>>(): Promise<T>;
  send(message: object): void;
} {
  const mailbox = new Mailbox(process.stdin, 'parent');
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
