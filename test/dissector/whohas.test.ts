/**
 * dissector/whohas.lua in tshark, on a real capture: a simulated download through the peer code
 * (chat server, two peers, whohas and getfile, Go-Back-N at 5 % loss) written by `sweep --pcap`.
 * Without the dissector the datagrams are bare UDP "data"; with it tshark decodes the header and
 * the START, ACK and FIN fields, and the chat lines with their tags and verbs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runSweep } from '../../bench/sweep/run.ts';
import { type SweepSpec, unsweptDefaults } from '../../bench/sweep/spec.ts';

const LUA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dissector', 'whohas.lua');
const hasTshark = spawnSync('tshark', ['--version']).status === 0;
const inCi = process.env.CI === 'true';
if (!hasTshark && !inCi) console.warn('SKIPPED dissector tests: tshark is not installed');

const FILE_BYTES = 40_000;
const WINDOW = 8;

async function capture(): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-dissector-'));
  const spec: SweepSpec = {
    transport: 'sim',
    engine: 'peer',
    profiles: ['lan'],
    windows: [WINDOW],
    packetSizes: [1024],
    sizes: [FILE_BYTES],
    losses: [0.05],
    seeds: [21],
    ...unsweptDefaults(),
    timeLimitS: 30,
  };
  const { rows } = await runSweep(spec, { workers: 0, progress: false, pcapDir: dir });
  if (rows[0].status !== 'ok') throw new Error(`the download failed: ${rows[0].status}`);
  return { file: join(dir, (await readdir(dir))[0]), dir };
}

/** tshark's fields, one line per packet, tab-separated; with or without the dissector. */
function tshark(file: string, fields: string[], withDissector = true): string[][] {
  const args = [
    ...(withDissector ? ['-X', `lua_script:${LUA}`] : []),
    ...['-o', 'udp.try_heuristic_first:TRUE', '-r', file, '-T', 'fields'],
    ...fields.flatMap((field) => ['-e', field]),
  ];
  const out = execFileSync('tshark', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t'));
}

(hasTshark || inCi ? test : test.skip)(
  'tshark decodes the datagram header and fields and the chat lines',
  async (t) => {
    t.true(hasTshark, 'tshark is required in CI (.ci/run installs it)');
    const { file, dir } = await capture();
    try {
      // The premise: without the dissector the transfer is undecoded UDP.
      const bare = tshark(file, ['_ws.col.Protocol'], false).map(([p]) => p);
      t.false(bare.includes('WHOHAS'));
      const rows = tshark(file, [
        '_ws.col.Protocol',
        'whohas.type',
        'whohas.transfer_id',
        'whohas.window',
        'whohas.scheme',
        'whohas.file_size',
        'whohas.sha256',
        'frame.comment',
      ]);
      const datagrams = rows.filter(([protocol]) => protocol === 'WHOHAS');
      const types = new Set(datagrams.map((row) => row[1]));
      for (const type of ['1', '2', '3', '4']) t.true(types.has(type), `type ${type}`);
      t.is(new Set(datagrams.map((row) => row[2])).size, 1, 'one transfer id');
      const start = datagrams.find((row) => row[1] === '1')!;
      t.is(start[3], String(WINDOW));
      t.is(start[4], '1', 'scheme gbn');
      t.is(start[5], String(FILE_BYTES));
      t.true(
        datagrams.some((row) => row[1] === '4' && Number(row[3]) > 0),
        'ACK window',
      );
      t.true(
        datagrams.some((row) => row[1] === '2' && row[7]?.includes('dropped (loss)')),
        'a lost DATA shows its comment',
      );
      const chat = tshark(file, ['whohas_chat.tag', 'whohas_chat.verb', 'whohas_chat.code'])
        .flatMap(([tags, verbs]) => [...tags.split(','), ...(verbs ?? '').split(',')])
        .filter(Boolean);
      for (const expected of [
        'OK',
        'INFO',
        '@owner',
        '#requester',
        'whohas',
        'have',
        'getfile',
        'sending',
      ]) {
        t.true(chat.includes(expected), expected);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
