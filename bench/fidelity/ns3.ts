/**
 * ns-3 (Debian's libns3-dev, 3.37) as the simulator's reference: finds it, builds the small
 * programs in fidelity/ns3/*.cc with g++ (cached in .cache/ns3/ by a hash of the source and the
 * flags, so a rerun does not compile), and runs them with parameters on the command line.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = join(root, 'fidelity', 'ns3');
const CACHE = join(root, '.cache', 'ns3');

/** The header and library Debian's libns3-dev installs; .ci/run checks the same header. */
export const NS3_HEADER = '/usr/include/ns3/core-module.h';
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];

// pkg-config's ns3 files are broken on Debian (-I/usr\;): the libraries are named explicitly.
const FLAGS = ['-O1', '-std=c++17', '-I/usr/include'];
const LIBS = [
  '-lns3-core',
  '-lns3-network',
  '-lns3-internet',
  '-lns3-point-to-point',
  '-lns3-applications',
  '-lns3-traffic-control',
];

/** Undefined when ns-3 and g++ are here; otherwise why not. */
export async function ns3Missing(): Promise<string | undefined> {
  if (!existsSync(NS3_HEADER)) return `ns-3 headers not found (${NS3_HEADER}): install libns3-dev`;
  if (!LIBRARY_DIRS.some((dir) => existsSync(join(dir, 'libns3-core.so')))) {
    return 'libns3-core.so not found: install libns3-dev';
  }
  try {
    await run('g++', ['--version']);
  } catch {
    return 'g++ not found: install g++';
  }
  return undefined;
}

const builds = new Map<string, Promise<string>>();

/** The path of the built program fidelity/ns3/<name>.cc, compiling it only if its hash is new. */
export function buildNs3(name: string): Promise<string> {
  let build = builds.get(name);
  if (build === undefined) {
    build = compile(name);
    builds.set(name, build);
  }
  return build;
}

async function compile(name: string): Promise<string> {
  const source = join(SOURCES, `${name}.cc`);
  // The shared headers (gbn-endpoints.h) are part of every program's identity.
  const headers = (await readdir(SOURCES)).filter((file) => file.endsWith('.h')).sort();
  const hash = createHash('sha256').update(await readFile(source));
  for (const header of headers) hash.update(header).update(await readFile(join(SOURCES, header)));
  const digest = hash
    .update(JSON.stringify([FLAGS, LIBS]))
    .digest('hex')
    .slice(0, 16);
  const binary = join(CACHE, `${name}-${digest}`);
  if (existsSync(binary)) return binary;
  await mkdir(CACHE, { recursive: true });
  // Built under a private name and renamed: a parallel build never runs a half-written file.
  const partial = `${binary}.${process.pid}.part`;
  await run('g++', [...FLAGS, '-o', partial, source, ...LIBS], { maxBuffer: 1 << 24 });
  await rename(partial, binary);
  return binary;
}

/** Runs a built program with `--key=value` arguments; its stdout. */
export async function runNs3(
  binary: string,
  args: Record<string, string | number>,
): Promise<string> {
  const argv = Object.entries(args).map(([key, value]) => `--${key}=${value}`);
  const { stdout } = await run(binary, argv, { maxBuffer: 1 << 24 });
  return stdout;
}

/** `key value key value ...` on one line, numbers parsed. */
export function parseFields(line: string): Record<string, number> {
  const words = line.trim().split(/\s+/);
  const fields: Record<string, number> = {};
  for (let i = 0; i + 1 < words.length; i += 2) fields[words[i]] = Number(words[i + 1]);
  return fields;
}

/**
 * The rate to give ns-3's point-to-point device so a datagram of `datagramBytes` takes as long
 * as on our link of `bandwidthBps`: we count 28 bytes of IPv4+UDP on the wire, ns-3 adds a
 * 2-byte PPP header to those.
 */
export function ns3Rate(bandwidthBps: number, datagramBytes: number): number {
  return Math.round((bandwidthBps * (datagramBytes + 30)) / (datagramBytes + 28));
}
