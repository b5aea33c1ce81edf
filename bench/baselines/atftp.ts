/**
 * A real peer in the same run: Debian's atftp 0.8 (client `atftp`, server `atftpd`), a C TFTP
 * with RFC 7440's windowsize option, moving a file on loopback at a given window and block size.
 * The server runs in the foreground on a free loopback port with a throw-away directory and is
 * stopped after. When the tools are missing, `atftpUnavailableReason()` says why; the bench
 * installs them from Debian first when it may (`ensureAtftp`).
 *
 *   npx tsx bench/baselines/atftp.ts [fileBytes=21760000] [window=16] [blockBytes=1428] [rounds=3]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMain } from '../../harness/roles.ts';

export interface AtftpOptions {
  fileBytes: number;
  window: number;
  /** TFTP blksize: payload bytes per DATA block (the datagram is 4 bytes more). */
  blockBytes: number;
}

export interface AtftpRun extends AtftpOptions {
  /** 'ok', or 'timeout' when the client did not finish within the time limit (it is killed). */
  status: 'ok' | 'timeout';
  seconds: number;
  bytesPerSecond: number;
  identical: boolean;
}

function runs(command: string, args: string[]): boolean {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  return !probe.error;
}

/** Why atftp cannot be run here, or undefined when it can. */
export function atftpUnavailableReason(): string | undefined {
  if (!runs('atftp', ['--help'])) return 'atftp (the client) not found: apt-get install atftp';
  if (!runs('atftpd', ['--help'])) return 'atftpd (the server) not found: apt-get install atftpd';
  return undefined;
}

/** Installs atftp and atftpd from Debian when missing and this process may (root, apt-get). */
export function ensureAtftp(): string | undefined {
  if (atftpUnavailableReason() === undefined) return undefined;
  if (process.getuid?.() === 0 && runs('apt-get', ['--version'])) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['install', '-y', '-qq', 'atftp', 'atftpd'], { env, stdio: 'ignore' });
  }
  return atftpUnavailableReason();
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * `rounds` downloads of one random file from one atftpd, each timed from the client's spawn to
 * its exit (process start-up, about 2 ms, is in the time: a 21.76 MB file makes it under 2 %).
 */
export async function runAtftp(
  options: AtftpOptions,
  rounds = 1,
  timeLimitS = 10,
): Promise<AtftpRun[]> {
  const reason = atftpUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'whohas-atftp-'));
  const served = join(dir, 'srv');
  mkdirSync(served);
  chmodSync(served, 0o755);
  const content = randomBytes(options.fileBytes);
  writeFileSync(join(served, 'file.bin'), content, { mode: 0o644 });
  const port = await freeUdpPort();
  // As root atftpd would switch to nobody; root keeps it able to read the temp folder.
  const user = process.getuid?.() === 0 ? ['--user', 'root', '--group', 'root'] : [];
  const server = spawn(
    'atftpd',
    [
      '--daemon',
      '--no-fork',
      '--port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      ...user,
      served,
    ],
    { stdio: 'ignore' },
  );
  const results: AtftpRun[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (server.exitCode !== null) throw new Error(`atftpd exited with ${server.exitCode}`);
    for (let round = 0; round < rounds; round++) {
      const local = join(dir, `got-${round}.bin`);
      const started = performance.now();
      const client = spawn(
        'atftp',
        [
          ...['--option', `windowsize ${options.window}`],
          ...['--option', `blksize ${options.blockBytes}`],
          ...['-g', '-r', 'file.bin', '-l', local, '127.0.0.1', String(port)],
        ],
        { stdio: 'ignore' },
      );
      // atftp 0.8 loses blocks at windowsize 64 and more on loopback and then waits 5 s per
      // timeout: a run that outlasts the limit is reported as such, not waited out.
      const limit = setTimeout(() => client.kill('SIGKILL'), timeLimitS * 1000);
      const code = await waitExit(client);
      clearTimeout(limit);
      const seconds = (performance.now() - started) / 1000;
      if (client.signalCode === 'SIGKILL') {
        results.push({
          ...options,
          status: 'timeout',
          seconds,
          bytesPerSecond: 0,
          identical: false,
        });
        rmSync(local, { force: true });
        continue;
      }
      if (code !== 0) throw new Error(`atftp exited with ${code}`);
      const identical = readFileSync(local).equals(content);
      rmSync(local);
      results.push({
        ...options,
        status: 'ok',
        seconds,
        bytesPerSecond: options.fileBytes / seconds,
        identical,
      });
    }
    return results;
  } finally {
    server.kill('SIGTERM');
    await waitExit(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const [fileBytes = '21760000', window = '16', blockBytes = '1428', rounds = '3'] =
    process.argv.slice(2);
  const reason = ensureAtftp();
  if (reason) {
    console.error(`atftp skipped: ${reason}`);
    process.exit(2);
  }
  const all = await runAtftp(
    { fileBytes: Number(fileBytes), window: Number(window), blockBytes: Number(blockBytes) },
    Number(rounds),
  );
  for (const run of all) {
    console.log(
      run.status === 'ok'
        ? `atftp windowsize ${run.window}, blksize ${run.blockBytes}: ${(run.bytesPerSecond / 1e6).toFixed(1)} MB/s (${run.seconds.toFixed(3)} s, identical ${run.identical})`
        : `atftp windowsize ${run.window}, blksize ${run.blockBytes}: did not finish within the limit (${run.seconds.toFixed(1)} s)`,
    );
  }
}
