/**
 * A real Redis for tests and benchmarks: Debian's `redis-server`, started on a free loopback port
 * with a throw-away directory, no persistence and no config file of the machine's, stopped (and
 * its directory removed) by `stop()`. `restart()` kills it and starts it again on the same port,
 * for the "Redis restarted" failure cases. Where `redis-server` is missing, `startRedis` rejects
 * with a message that says so, so a test can skip loudly with the reason.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BINARY = process.env.WHOHAS_REDIS_SERVER ?? 'redis-server';

/** Why Redis cannot be started here, or undefined when it can. */
export function redisUnavailableReason(): string | undefined {
  const probe = spawnSync(REDIS_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `${REDIS_BINARY} not found (install Debian's redis-server; .ci/run does)`;
  }
  return undefined;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Kills the server (SIGKILL) and starts a fresh one on the same port; the data is gone. */
  restart(): Promise<void>;
  /** Kills the server without starting it again (a Redis outage), until `start()`. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startRedis(options: { port?: number } = {}): Promise<RedisServer> {
  const reason = redisUnavailableReason();
  if (reason) throw new Error(reason);
  const port = options.port ?? (await freeLoopbackPort());
  const dir = mkdtempSync(join(tmpdir(), 'whohas-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      REDIS_BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    // Bounded wait: 10 s in 50 ms steps.
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited with ${child.exitCode} on port ${port}`);
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s`);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await kill();
      await start();
    },
    kill,
    start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
