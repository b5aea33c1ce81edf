/**
 * How fast the CLI starts and ends (issue 10, item 3): `whohas --help` and a `whohas get` of a
 * 1 KB file from a serving owner on loopback, each beside `node -e 0`, all run from the bundle
 * npm builds (dist/whohas.mjs, rebuilt here first), medians of `--rounds` runs.
 *
 *   npx tsx bench/startup.ts [--rounds 9]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMain } from '../harness/roles.ts';
import { WhohasProcess } from '../harness/whohas-process.ts';
import { medianOf } from './source-file.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'dist', 'whohas.mjs');

/** Wall milliseconds of one run of `node args` in `cwd`; throws on a non-zero exit. */
function timed(args: string[], cwd: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } });
  const rounds = Number(values.rounds);
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'whohas-startup-'));
  const server = new WhohasProcess(
    ['server', '--host', '127.0.0.1', '--port', '0', '--quiet'],
    dir,
  );
  let owner: WhohasProcess | undefined;
  try {
    const [, port] = await server.line(/^whohas server listening on 127\.0\.0\.1:(\d+)$/);
    const address = `127.0.0.1:${port}`;
    await mkdir(join(dir, 'owner'));
    await writeFile(join(dir, 'owner', 'small.txt'), Buffer.alloc(1024, 0x61));
    owner = new WhohasProcess(
      [
        'peer',
        '--serve',
        '--create',
        '--name',
        'eswar',
        '--room',
        'chatroom',
        '--server',
        address,
        '--folder',
        'owner',
      ],
      dir,
    );
    await owner.line(/^whohas peer eswar serving /);
    const nodeOnly: number[] = [];
    const help: number[] = [];
    const get: number[] = [];
    for (let round = 0; round < rounds; round++) {
      nodeOnly.push(timed(['-e', '0'], dir));
      help.push(timed([BUNDLE, '--help'], dir));
      const out = `got-${round}`;
      get.push(
        timed(
          [
            BUNDLE,
            'get',
            'small.txt',
            '--name',
            `eko${round}`,
            '--room',
            'chatroom',
            '--server',
            address,
            '--out',
            out,
          ],
          dir,
        ),
      );
    }
    const median = (values: number[]) => medianOf(values).toFixed(0);
    console.log(`medians of ${rounds} runs, load average ${loadavg()[0].toFixed(2)}:`);
    console.log(`  node -e 0:                  ${median(nodeOnly)} ms`);
    console.log(
      `  whohas --help:              ${median(help)} ms (${(medianOf(help) / medianOf(nodeOnly)).toFixed(2)} × node -e 0; goal < 2)`,
    );
    console.log(
      `  whohas get (1 KB, loopback): ${median(get)} ms (${(medianOf(get) / medianOf(nodeOnly)).toFixed(2)} × node -e 0; goal < 300 ms)`,
    );
  } finally {
    await owner?.stop('SIGKILL');
    await server.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
