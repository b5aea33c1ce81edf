/**
 * `npx tsx bench/queue-scaling.ts [points]`: what the job queue costs and gives. One simulated
 * sweep (200 points by default) run locally (in this process, then on 2 threads), then through
 * the BullMQ queue on a throw-away Redis with 1, 2 and 4 `whohas worker` processes (one thread
 * each, started and warmed before the clock starts); then the queue's overhead per job, from
 * points so small that the run is almost all queue. Every run's CSV must be the local one byte for
 * byte. Wall times with the load average beside each (the machine may be shared), as ratios to
 * the local run of the same sweep in the same run.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../harness/redis-server.ts';
import { WhohasProcess } from '../harness/whohas-process.ts';
import { toCsv } from './sweep/csv.ts';
import { runPoints } from './sweep/pool.ts';
import { runPointsOnQueue } from './sweep/queue-sweep.ts';
import { expandMatrix, type SweepSpec, seedsFrom, unsweptDefaults } from './sweep/spec.ts';
import { renderTable } from './table.ts';

const POINTS = Number(process.argv[2] ?? 200);
const root = fileURLToPath(new URL('..', import.meta.url));

/** `count` points (rounded up to 8) of a real sweep: 2 MB transfers, windows 4..32, loss 0 and 1 %. */
function sweepSpec(count: number): SweepSpec {
  return {
    transport: 'sim',
    engine: 'gbn',
    profiles: ['lan'],
    windows: [4, 8, 16, 32],
    packetSizes: [2048],
    sizes: [2_000_000],
    losses: [0, 0.01],
    ...unsweptDefaults(),
    seeds: seedsFrom(1, Math.ceil(count / 8)),
  };
}

/** Points that are almost nothing: one 1 KB datagram over an ideal link. */
function tinySpec(count: number): SweepSpec {
  return {
    ...sweepSpec(count),
    profiles: ['ideal'],
    windows: [1],
    packetSizes: [1024],
    sizes: [1000],
    losses: [0],
    seeds: seedsFrom(1, count),
  };
}

const load = () => loadavg()[0].toFixed(1);

interface Measured {
  how: string;
  seconds: number;
  csv: string;
  loadBefore: string;
  loadAfter: string;
}

async function timed(how: string, run: () => Promise<string>): Promise<Measured> {
  const loadBefore = load();
  const started = performance.now();
  const csv = await run();
  const seconds = (performance.now() - started) / 1e3;
  console.error(`  ${how}: ${seconds.toFixed(2)} s (load ${loadBefore} → ${load()})`);
  return { how, seconds, csv, loadBefore, loadAfter: load() };
}

function fastest(runs: Measured[]): Measured {
  return runs.reduce((best, run) => (run.seconds < best.seconds ? run : best));
}

async function startWorkers(url: string, count: number): Promise<WhohasProcess[]> {
  const workers = Array.from(
    { length: count },
    () => new WhohasProcess(['worker', '--queue', url, '--quiet'], root),
  );
  for (const worker of workers) await worker.line(/^whohas worker ready/);
  return workers;
}

/** `repeat` timed queue runs on the same started workers; the fastest is the least disturbed. */
async function onQueue(url: string, spec: SweepSpec, workers: number, how: string, repeat = 1) {
  const running = await startWorkers(url, workers);
  try {
    const times: Measured[] = [];
    for (let i = 0; i < repeat; i++) {
      times.push(
        await timed(how, async () => {
          const { rows } = await runPointsOnQueue(expandMatrix(spec), { url });
          return toCsv(rows);
        }),
      );
    }
    return fastest(times);
  } finally {
    await Promise.all(running.map((worker) => worker.stop('SIGTERM')));
  }
}

const redis = await startRedis();
try {
  const spec = sweepSpec(POINTS);
  const points = expandMatrix(spec);
  console.error(`${points.length}-point sweep (2 MB transfers), load ${load()}:`);
  // This process, warm (its modules loaded, no thread to start), as the queue's workers are.
  const local1 = await timed('local, 1 process', async () =>
    toCsv(await runPoints(points, { workers: 0 })),
  );
  const runs: Measured[] = [local1];
  runs.push(
    await timed('local, 2 threads (their start-up included)', async () =>
      toCsv(await runPoints(points, { workers: 2 })),
    ),
  );
  for (const workers of [1, 2, 4]) {
    runs.push(
      await onQueue(
        redis.url,
        spec,
        workers,
        `queue, ${workers} worker process${workers > 1 ? 'es' : ''}`,
      ),
    );
  }
  const tinyCount = POINTS * 5;
  console.error(`${tinyCount} trivially small points, for the queue's overhead per job:`);
  // The fastest of 3 runs each: on a shared machine, the least disturbed.
  const tinyLocals: Measured[] = [];
  for (let i = 0; i < 3; i++) {
    tinyLocals.push(
      await timed('tiny, local, 1 process', async () =>
        toCsv(await runPoints(expandMatrix(tinySpec(tinyCount)), { workers: 0 })),
      ),
    );
  }
  const tinyLocal = fastest(tinyLocals);
  const tinyQueue = await onQueue(redis.url, tinySpec(tinyCount), 1, 'tiny, queue, 1 worker', 3);

  const identical = runs.every((run) => run.csv === local1.csv) && tinyQueue.csv === tinyLocal.csv;
  console.log(
    renderTable({
      head: ['run', 'wall s', '÷ local, 1 process', 'load 1 min'],
      rows: runs.map((run) => [
        run.how,
        run.seconds.toFixed(2),
        (run.seconds / local1.seconds).toFixed(2),
        `${run.loadBefore} → ${run.loadAfter}`,
      ]),
    }),
  );
  const perJobMs = ((tinyQueue.seconds - tinyLocal.seconds) / tinyCount) * 1e3;
  console.log(
    `queue overhead: ${perJobMs.toFixed(2)} ms per job (${tinyCount} tiny points, fastest of 3: queue with 1 worker ${tinyQueue.seconds.toFixed(2)} s, local 1 process ${tinyLocal.seconds.toFixed(2)} s)`,
  );
  console.log(`every CSV byte-identical to the local run: ${identical ? 'yes' : 'NO'}`);
  if (!identical) process.exitCode = 1;
} finally {
  await redis.stop();
}
