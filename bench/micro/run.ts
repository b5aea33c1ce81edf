/**
 * `npm run bench`: every bench/micro/<name>.ts module registers its tasks on one tinybench Bench;
 * this runs them and prints one table. `npm run bench -- codec` runs only the modules named.
 */
import { readdir } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { Bench } from 'tinybench';
import { renderTable } from '../table.ts';

interface MicroModule {
  register(bench: Bench): void;
}

const here = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const names = (await readdir(here))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -3))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

console.log(`whohas micro-benchmarks: ${names.join(', ')}`);
console.log(
  `node ${process.version}, ${platform()} ${arch()}, ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}\n`,
);

const rows: (string | number)[][] = [];
for (const name of names) {
  const module = (await import(new URL(`./${name}.ts`, here).href)) as Partial<MicroModule>;
  if (typeof module.register !== 'function') {
    console.error(`bench/micro/${name}.ts exports no register(bench): skipped`);
    continue;
  }
  const bench = new Bench({ name, time: 500, warmupTime: 100 });
  module.register(bench);
  process.stderr.write(`running ${name} (${bench.tasks.length} tasks)...\n`);
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') {
      rows.push([name, task.name, result.state, '', '', '', '']);
      continue;
    }
    rows.push([
      name,
      task.name,
      Math.round(1e3 / result.latency.p50).toLocaleString('en-US'),
      `${(result.latency.p50 * 1e3).toFixed(2)}`,
      `${(result.latency.mean * 1e3).toFixed(2)}`,
      `${(result.latency.p99 * 1e3).toFixed(2)}`,
      `±${result.latency.rme.toFixed(2)} %`,
    ]);
  }
}

console.log(
  renderTable({
    head: ['module', 'task', 'ops/s (median)', 'median (µs)', 'mean (µs)', 'p99 (µs)', 'margin'],
    rows,
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
  }),
);
