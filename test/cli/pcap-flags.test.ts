/**
 * `--pcap DIR` from the command line: `scenario` writes one pcapng per run (the corruption
 * scenario's capture carries "corrupted" comments: the fault happened, on the wire); a transport
 * that is not the simulator is refused with the flag named, before anything runs, rather than
 * silently writing nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import * as sweep from '../../cli/commands/sweep.ts';
import { SOURCE_CLI } from '../../harness/whohas-process.ts';
import { parsePcapng } from '../helpers/pcapng.ts';

function scenario(...args: string[]) {
  return spawnSync(process.execPath, [...SOURCE_CLI, 'scenario', ...args], { encoding: 'utf8' });
}

test('scenario --pcap writes one capture per run, with the fault in its comments', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'whohas-scenario-pcap-'));
  try {
    const run = scenario('transfers/corruption', '--seed', '4', '--seeds', '2', '--pcap', dir);
    t.is(run.status, 0, run.stderr);
    const files = readdirSync(dir).sort();
    t.deepEqual(files, ['transfers_corruption-seed4.pcapng', 'transfers_corruption-seed5.pcapng']);
    const { packets, sectionComments } = parsePcapng(readFileSync(join(dir, files[0])));
    t.true(sectionComments[0].includes('scenario transfers/corruption'));
    t.true(packets.some((p) => p.comments.some((c) => c.includes('corrupted in flight'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scenario --pcap with --transport real is a usage error', (t) => {
  const run = scenario('lines/no-at', '--transport', 'real', '--pcap', tmpdir());
  t.is(run.status, 64);
  t.regex(run.stderr, /--pcap needs --transport sim/);
  t.is(run.stdout, '', 'nothing ran');
});

test('sweep --pcap with --transport udp is refused, naming the flag', async (t) => {
  const program = new Command('whohas').exitOverride();
  sweep.register(program);
  const error = await t.throwsAsync(
    program.parseAsync(['sweep', '--transport', 'udp', '--pcap', tmpdir(), '--seed', '1'], {
      from: 'user',
    }),
  );
  t.is((error as { code?: string }).code, 'BAD_ARGUMENT');
  t.regex(error!.message, /--pcap applies to --transport sim only/);
});
