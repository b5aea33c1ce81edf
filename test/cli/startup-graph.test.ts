/**
 * What `whohas --help` parses (issue 10, item 3: under 2× `node -e 0`). The bundle is built aside
 * with esbuild's metafile, and the static import graph from an entry (every chunk Node must load
 * before the first line runs) is walked. The entry must hold only commander and the command
 * definitions; each command's implementation comes through `await import()` in its action. And
 * `whohas get` must load what a download needs, not the bench, the scenarios or the console.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { REPRODUCE_CSV as BENCH_CSV } from '../../bench/reproduce.ts';
import { REPRODUCE_CSV } from '../../cli/commands/reproduce.ts';
import { REPORTERS } from '../../cli/commands/scenario.ts';
import { REPORTERS as SCENARIO_REPORTERS } from '../../scenarios/reporters.ts';

interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      imports: { path: string; kind: string; external?: boolean }[];
      inputs: Record<string, { bytesInOutput: number }>;
    }
  >;
}

const built = (async () => {
  await mkdir('tmp', { recursive: true });
  const dir = await mkdtemp(join('tmp', 'startup-graph-'));
  const meta = join(dir, 'meta.json');
  // What an earlier build left (a chunk no longer made) and a file of someone else's.
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'dist', 'chunk-OLD12345.mjs'), '// stale\n');
  await writeFile(join(dir, 'dist', 'chunk-OLD12345.mjs.map'), '{}');
  await writeFile(join(dir, 'dist', 'notes.txt'), 'kept\n');
  const run = spawnSync(
    process.execPath,
    ['scripts/build.mjs', join(dir, 'dist', 'whohas.mjs'), meta],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`scripts/build.mjs failed: ${run.stderr}`);
  const files = await readdir(join(dir, 'dist'));
  return { dir, files, metafile: JSON.parse(await readFile(meta, 'utf8')) as Metafile };
})();

test.after.always(async () => rm((await built).dir, { recursive: true, force: true }));

/** The source modules (and their bytes in the bundle) loaded before `entry`'s first line runs. */
function staticGraph(metafile: Metafile, entry: string): Map<string, number> {
  const start = Object.keys(metafile.outputs).find(
    (name) => metafile.outputs[name].entryPoint === entry,
  );
  if (start === undefined) throw new Error(`no output has the entry point ${entry}`);
  const inputs = new Map<string, number>();
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const output = metafile.outputs[name];
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      inputs.set(input, bytesInOutput);
    }
    for (const edge of output.imports) {
      if (edge.kind === 'import-statement' && !edge.external && edge.path in metafile.outputs) {
        queue.push(edge.path);
      }
    }
  }
  return inputs;
}

/** The graph's modules, largest first, for a failure message. */
function listing(graph: Map<string, number>): string {
  return [...graph]
    .sort((a, b) => b[1] - a[1])
    .map(([input, bytes]) => `${String(bytes).padStart(8)} ${input}`)
    .join('\n');
}

/**
 * Leaf modules the definitions may load: the defaults and range checks `--help` prints and the
 * flags share with the Peer and the server (a few KB, importing nothing else of the product).
 */
const LIGHT_LEAVES = new Set([
  'impl/errors.ts',
  'impl/peer/limits.ts',
  'impl/peer/file-names.ts',
  'impl/arq/codec.ts',
  'impl/arq/options.ts',
  'impl/arq/packets.ts',
  'impl/chat/listen-defaults.ts',
  'impl/chat/dialog-2016.ts',
  'impl/nat/relay.ts',
]);

const HEAVY_FOR_HELP = [
  /^impl\/(peer|arq|chat|nat|seal)\//,
  /^(bench|scenarios|sim|harness)\//,
  /^cli\/console\//,
  /node_modules\/(unhomoglyph|csv-parse|csv-stringify|cli-table3|cli-progress|seedrandom)\//,
];

/** Commander is ~125 KB in the bundle, the definitions and leaves ~60 KB; it used to be ~1.3 MB. */
const HELP_BYTES_BOUND = 250_000;

test('--help and --version load only commander and the command definitions', async (t) => {
  const graph = staticGraph((await built).metafile, 'cli/main.ts');
  const heavy = [...graph.keys()].filter(
    (input) => !LIGHT_LEAVES.has(input) && HEAVY_FOR_HELP.some((re) => re.test(input)),
  );
  const bytes = [...graph.values()].reduce((sum, n) => sum + n, 0);
  t.deepEqual(heavy, [], `the entry statically imports:\n${listing(graph)}`);
  t.true(bytes < HELP_BYTES_BOUND, `${bytes} B statically loaded:\n${listing(graph)}`);
});

const NOT_FOR_GET = [
  /^(bench|scenarios)\//,
  /^cli\/console\//,
  /node_modules\/(csv-parse|csv-stringify|cli-table3|seedrandom)\//,
];

test('whohas get loads the peer, not the bench, the scenarios or the console', async (t) => {
  const graph = staticGraph((await built).metafile, 'cli/commands/get-run.ts');
  t.true(graph.has('impl/peer/peer.ts'), listing(graph));
  const extra = [...graph.keys()].filter((input) => NOT_FOR_GET.some((re) => re.test(input)));
  t.deepEqual(extra, [], `get statically imports:\n${listing(graph)}`);
});

// The definitions repeat two constants rather than load their heavy modules: they must agree.
test('the definitions name the same defaults and choices as the modules they stand for', (t) => {
  t.is(REPRODUCE_CSV, BENCH_CSV);
  t.deepEqual([...REPORTERS], [...SCENARIO_REPORTERS]);
});

test("the build removes an earlier build's chunks and nothing else in the folder", async (t) => {
  const { files, metafile } = await built;
  t.false(files.includes('chunk-OLD12345.mjs'));
  t.false(files.includes('chunk-OLD12345.mjs.map'));
  t.true(files.includes('notes.txt'));
  // Exactly this build's chunks remain.
  const made = Object.keys(metafile.outputs).map((name) => name.split('/').at(-1));
  const chunks = files.filter((name) => name.startsWith('chunk-'));
  t.deepEqual(chunks.sort(), made.filter((name) => name?.startsWith('chunk-')).sort());
});
