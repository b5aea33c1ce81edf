/**
 * Resume over real sockets, with real processes: `whohas get` killed with SIGKILL half-way,
 * then run again, continues from the chunks it had verified. What the owner was asked for,
 * over both runs, is the file plus at most the one run of chunks that was in flight at the kill
 * (docs/PROTOCOL.md, "Resume": a run's chunks are kept once it has landed; runs grow 1, 2, 4,
 * 8, ... chunks, so here at most 8 of the 17).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { DEFAULT_CHUNK_BYTES } from '../../impl/peer/merkle.ts';
import { patternBytes } from '../helpers/platforms.ts';
import { startOwner, startServer, withProcesses } from '../helpers/processes.ts';

const CHUNKS = 16;
const data = patternBytes(CHUNKS * DEFAULT_CHUNK_BYTES + 777, 13);
const HELD_FILE = /^\.whohas-[0-9a-f]{32}-held\.part$/;
const RESUME_FILE = /^\.whohas-[0-9a-f]{32}-(held|data|tree)\.part$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Chunks the requester has verified and recorded in `dir` so far (its bitmap's set bits). */
async function chunkFiles(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const held = names.find((name) => HELD_FILE.test(name));
  if (held === undefined) return [];
  const bitmap = await readFile(join(dir, held)).catch(() => Buffer.alloc(0));
  return Array.from({ length: bitmap.length * 8 }, (_, i) => i).filter(
    (i) => (bitmap[i >> 3] >> (i & 7)) & 1,
  );
}

test('a get killed with SIGKILL half-way resumes and is asked again at most the run in flight', (t) =>
  withProcesses(async (start, dir) => {
    const { address } = await startServer(start);
    const owner = await startOwner(start, dir, address, { film: data }, ['--create']);
    // A file changed in the last 2 s has no identity yet (its hash could not be kept): the
    // owner would answer whohas without naming it, and the get would not go by chunks.
    await sleep(2100);
    const out = join(dir, 'downloads');
    const args = ['get', 'film', '--name', 'eko', '--room', 'chatroom', '--server', address];
    const get = [...args, '--out', out, '--sources', '1', '--window', '4', '--json'];

    const first = start(get);
    let kept: number[] = [];
    // Bounded: 20 s of 2 ms polls; the transfer takes well under that on loopback.
    for (let poll = 0; poll < 10_000 && kept.length < CHUNKS / 2; poll++) {
      kept = await chunkFiles(out);
      await sleep(2);
    }
    t.true(kept.length >= CHUNKS / 2, `only ${kept.length} chunks arrived`);
    const killed = await first.stop('SIGKILL');
    t.is(killed.signal, 'SIGKILL', 'the first run was killed, not finished');
    const atKill = await chunkFiles(out);
    t.true(atKill.length < CHUNKS + 1, 'the first run had not finished');

    const second = start(get);
    t.deepEqual(await second.finish(), { code: 0, signal: null }, second.stderr.join('\n'));
    const report = JSON.parse(second.stdout[0]);
    t.true((await readFile(report.saved)).equals(data), 'the file is byte-identical');
    t.true(report.resumedBytes >= atKill.length * DEFAULT_CHUNK_BYTES - DEFAULT_CHUNK_BYTES);
    t.is(report.sources[0].bytes, data.length - report.resumedBytes, 'only the rest was fetched');
    const left = (await readdir(out)).filter((name) => RESUME_FILE.test(name));
    t.deepEqual(left, [], 'no data file, bitmap or tree left once the file is committed');

    // The owner's own record: every range asked of it, over both runs.
    const ranges = owner.stdout
      .map((line) => /\|range=(\d+\+\d+)(\||$)/.exec(line)?.[1])
      .filter((range) => range !== undefined);
    const lengths = ranges.map((range) => Number(range.split('+')[1]));
    const asked = lengths.reduce((sum, length) => sum + length, 0);
    t.log(`killed at ${atKill.length} of ${CHUNKS + 1} chunks; ranges asked: ${ranges.join(', ')}`);
    t.true(
      asked - data.length <= 8 * DEFAULT_CHUNK_BYTES,
      `${asked - data.length} bytes asked twice`,
    );
    t.true(
      asked - data.length <= Math.max(...lengths),
      `${asked - data.length} bytes asked twice: more than one run`,
    );
  }));
