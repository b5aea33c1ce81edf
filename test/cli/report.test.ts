/**
 * The report commands end to end, in-process through commander: `sweep --report` writes the HTML
 * beside its CSV; `report CSV --svg --summary --html` writes charts and the summary from any sweep
 * CSV; a CSV that is not a sweep's is refused with BAD_ARGUMENT before anything is written.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Command } from 'commander';
import * as report from '../../cli/commands/report.ts';
import * as sweep from '../../cli/commands/sweep.ts';

async function whohas(args: string[]): Promise<void> {
  const program = new Command('whohas').exitOverride();
  sweep.register(program);
  report.register(program);
  await program.parseAsync(args, { from: 'user' });
}

test('sweep --report writes the HTML beside the CSV; report draws SVGs and a summary from it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-report-cli-'));
  const at = (name: string) => join(dir, name);
  try {
    await whohas([
      'sweep',
      ...['--engine', 'gbn', '--window', '1,2,4', '--size', '8k', '--loss', '0,2%'],
      ...['--seeds', '2', '--seed', '9', '--no-progress', '--out', at('s.csv'), '--report'],
    ]);
    const html = await readFile(at('s.html'), 'utf8');
    t.regex(html, /<svg[^>]*>/);
    t.true(html.includes('window N (packets)'));
    t.false(/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'no script, nothing fetched');
    await whohas([
      'report',
      at('s.csv'),
      ...['--svg', at('svg'), '--summary', at('summary.csv'), '--html', at('r.html')],
    ]);
    t.deepEqual((await readdir(at('svg'))).sort(), ['retransmits.svg', 'throughput.svg']);
    const summary = (await readFile(at('summary.csv'), 'utf8')).trim().split('\n');
    t.is(summary[0], 'series,window,runs,failed,mean_Bps,sd_Bps,ci95_Bps,model_Bps');
    t.is(summary.length, 1 + 2 * 3);
    t.true(existsSync(at('r.html')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a CSV that is not a sweep is refused with BAD_ARGUMENT and nothing is written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-report-bad-'));
  try {
    await writeFile(join(dir, 'other.csv'), 'name,size\na,1\n');
    const error = await t.throwsAsync(
      whohas(['report', join(dir, 'other.csv'), '--html', join(dir, 'out.html')]),
    );
    t.is((error as { code?: string }).code, 'BAD_ARGUMENT');
    t.false(existsSync(join(dir, 'out.html')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
