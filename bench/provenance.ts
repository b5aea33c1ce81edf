/**
 * Where a result came from: the command that made it, when, how long it took, and the machine.
 * Written beside each CSV in results/ (`name.json`), read back by scripts/results-readme.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  os: string;
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
}

export interface Provenance {
  command: string;
  /** ISO time the run finished. */
  finished: string;
  wallSeconds: number;
  machine: Machine;
  seed?: number;
  /** A sweep's spec (bench/sweep/spec.ts): `whohas merge` joins only shards of one spec and seed. */
  spec?: unknown;
  /** `i/n` when the CSV is one shard of a sweep. */
  shard?: string;
  notes?: string[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    os: `${platform()} ${release()} ${arch()}`,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function machineLine(m: Machine = machine()): string {
  return `${m.cpu} × ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, node ${m.node}`;
}

export function sidecarPath(csvPath: string): string {
  return csvPath.replace(/\.csv$/, '') + '.json';
}

export async function writeProvenance(csvPath: string, provenance: Provenance): Promise<void> {
  await writeFile(sidecarPath(csvPath), `${JSON.stringify(provenance, null, 2)}\n`);
}

export async function readProvenance(csvPath: string): Promise<Provenance | undefined> {
  try {
    return JSON.parse(await readFile(sidecarPath(csvPath), 'utf8')) as Provenance;
  } catch {
    return undefined;
  }
}

/**
 * The sidecar of a bench that ran as `npx tsx <script> <its arguments>`: the command as typed,
 * the wall time since `startedMs` (performance.now()), and the load average at the end.
 */
export async function writeBenchProvenance(
  csvPath: string,
  script: string,
  startedMs: number,
): Promise<void> {
  const load = loadavg().map((value) => value.toFixed(2));
  await writeProvenance(csvPath, {
    command: `npx tsx ${script} ${process.argv.slice(2).join(' ')}`.trim(),
    finished: new Date().toISOString(),
    machine: machine(),
    wallSeconds: (performance.now() - startedMs) / 1000,
    notes: [`load average at the end ${load.join(' ')}`],
  });
}
