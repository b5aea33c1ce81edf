/**
 * Loopback tests of the `whohas` CLI: a temporary folder whose processes (harness/whohas-process.ts)
 * are all stopped when the test body ends, and the usual server and owner to start in it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhohasProcess } from '../../harness/whohas-process.ts';

/** Starts a `whohas` process in the body's folder (killed, if still running, when the body ends). */
export type Start = (args: string[]) => WhohasProcess;

/**
 * Runs `body` in a fresh temporary folder, where `start` launches `whohas` processes. Afterwards
 * every process still running is killed and the folder removed, whether the body passed or not.
 */
export async function withProcesses(body: (start: Start, dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-cli-'));
  const running: WhohasProcess[] = [];
  const start: Start = (args) => {
    const child = new WhohasProcess(args, dir);
    running.push(child);
    return child;
  };
  try {
    await body(start, dir);
  } finally {
    await Promise.all(running.map((child) => child.stop('SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  }
}

/** `whohas server` on a free loopback port; resolves with the process and its `host:port`. */
export async function startServer(
  start: Start,
): Promise<{ server: WhohasProcess; address: string }> {
  const server = start(['server', '--host', '127.0.0.1', '--port', '0', '--quiet']);
  const [, port] = await server.line(/^whohas server listening on 127\.0\.0\.1:(\d+)$/);
  return { server, address: `127.0.0.1:${port}` };
}

/**
 * `whohas peer --serve` as eswar in `chatroom`, sharing `files` from `<dir>/owner`; resolves
 * once it serves (`extra` flags: --create, --parallel ...).
 */
export async function startOwner(
  start: Start,
  dir: string,
  address: string,
  files: Record<string, Uint8Array | string>,
  extra: string[] = [],
): Promise<WhohasProcess> {
  await mkdir(join(dir, 'owner'));
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, 'owner', name), data);
  const owner = start([
    'peer',
    '--serve',
    '--name',
    'eswar',
    '--room',
    'chatroom',
    '--server',
    address,
    '--folder',
    'owner',
    ...extra,
  ]);
  await owner.line(/^whohas peer eswar serving .*\/owner in created chatroom/);
  return owner;
}
