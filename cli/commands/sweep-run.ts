/** The action of `whohas sweep` (its options: sweep.ts), loaded only when it runs. */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { machine, sidecarPath, writeProvenance } from '../../bench/provenance.ts';
import { toCsv } from '../../bench/sweep/csv.ts';
import { IDEAL_PROFILE } from '../../bench/sweep/paths.ts';
import { parseQueueUrl } from '../../bench/sweep/queue.ts';
import { summaryTable, sweepChart } from '../../bench/sweep/report.ts';
import { runSweep } from '../../bench/sweep/run.ts';
import {
  type Engine,
  parseShard,
  type RtoChoice,
  type SweepSpec,
  type SweepTransport,
  seedsFrom,
} from '../../bench/sweep/spec.ts';
import { renderTable } from '../../bench/table.ts';
import {
  parseCount,
  parseDuration,
  parseList,
  parseNumber,
  parseProbability,
  parseRate,
  parseSeed,
  parseSize,
} from '../../bench/units.ts';
import { SCHEMES, type Scheme } from '../../impl/arq/codec.ts';
import { WhohasError } from '../../impl/errors.ts';
import { profiles } from '../../sim/profiles.ts';
import { replayCommand } from '../replay-command.ts';
import { writeSweepReport } from '../report-file.ts';
import {
  givenOptions,
  named,
  refuseInapplicable,
  refuseQueueWithWorkers,
  refuseUnseededShard,
  splitQueueFlag,
  topologyFrom,
} from '../sweep-flags.ts';

import type { SweepFlags } from './sweep.ts';

function specFrom(flags: SweepFlags, seed: number, given: Set<string>): SweepSpec {
  const transport = oneOf<SweepTransport>(flags.transport, ['sim', 'udp'], '--transport');
  const schemes = flags.arq
    .split(',')
    .map((name) => oneOf<Scheme>(name.trim(), [...SCHEMES], '--arq'));
  const topology = topologyFrom(flags, given, transport, schemes);
  const engine = topology ? 'gbn' : oneOf<Engine>(flags.engine, ['peer', 'gbn'], '--engine');
  const sim = transport === 'sim';
  refuseInapplicable(transport, given);
  const list = (flag: string, text: string, parse: (t: string) => number) =>
    named(flag, text, (t) => parseList(t, parse));
  const orNull = (flag: string, text: string | undefined, parse: (t: string) => number) =>
    text === undefined ? [null] : list(flag, text, parse);
  return {
    transport,
    engine,
    profiles: sim
      ? (flags.profile ?? (topology ? IDEAL_PROFILE : 'lan'))
          .split(',')
          .map((name) => oneOf(name.trim(), [...Object.keys(profiles), IDEAL_PROFILE], '--profile'))
      : ['loopback'],
    schemes,
    windows: list('--window', flags.window, parseCount),
    packetSizes: list('--packet-size', flags.packetSize, parseSize),
    sizes: list('--size', flags.size, parseSize),
    losses: sim ? list('--loss', flags.loss ?? '0,1%,5%', parseProbability) : [null],
    bursts: list('--burst', flags.burst ?? '1', parseNumber),
    delaysMs: orNull('--delay', flags.delay, parseDuration),
    jittersMs: orNull('--jitter', flags.jitter, parseDuration),
    bandwidthsBps: orNull('--bandwidth', flags.bandwidth, parseRate),
    seeds: seedsFrom(seed, named('--seeds', flags.seeds ?? (sim ? '3' : '1'), parseCount)),
    repeat: named('--repeat', flags.repeat, parseCount),
    rto: named('--rto', flags.rto, parseRto),
    ackEvery:
      flags.ackEvery === undefined ? null : named('--ack-every', flags.ackEvery, parseCount),
    timeLimitS: named('--time-limit', flags.timeLimit ?? '60s', parseDuration) / 1e3,
    congestion:
      flags.congestion === undefined
        ? null
        : oneOf<'aimd' | 'none'>(flags.congestion, ['aimd', 'none'], '--congestion'),
    fastRetransmit:
      flags.fastRetransmit === undefined
        ? null
        : oneOf(flags.fastRetransmit, ['on', 'off'], '--fast-retransmit') === 'on',
    ...(topology ? { topology } : {}),
  };
}

export function parseRto(text: string): RtoChoice {
  return text === 'adaptive' ? { mode: 'adaptive' } : { mode: 'fixed', ms: parseDuration(text) };
}

function oneOf<T extends string>(value: string, allowed: T[], flag: string): T {
  if (!allowed.includes(value as T)) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `${flag} must be one of ${allowed.join(', ')}, not '${value}'`,
    );
  }
  return value as T;
}

/** What `whohas sweep` does with its flags (`command` tells which were given). */
export async function sweep(typed: SweepFlags, command: Command): Promise<void> {
  const given = givenOptions(command);
  const flags = splitQueueFlag(typed, given);
  refuseUnseededShard(given);
  refuseQueueWithWorkers(given);
  const seed =
    flags.seed === undefined ? randomInt(0, 2 ** 31) : named('--seed', flags.seed, parseSeed);
  const spec = specFrom(flags, seed, given);
  const shard = flags.shard === undefined ? undefined : named('--shard', flags.shard, parseShard);
  const workers =
    flags.workers === undefined ? undefined : named('--workers', flags.workers, parseSeed);
  // CSV on stdout keeps stdout pure; then everything for people goes to stderr.
  const say = flags.out
    ? (line: string) => console.log(line)
    : (line: string) => console.error(line);
  say(`seed ${seed}  (replay: ${replayCommand(seed)})`);
  const queue = flags.jobQueue === undefined ? undefined : parseQueueUrl(flags.jobQueue);
  const result = queue
    ? await import('../../bench/sweep/queue-sweep.ts').then(({ runQueueSweep, untilInterrupted }) =>
        untilInterrupted((signal) =>
          runQueueSweep(spec, { url: queue, shard, progress: flags.progress, onNote: say, signal }),
        ),
      )
    : await runSweep(spec, {
        workers,
        shard,
        progress: flags.progress,
        onNote: say,
        pcapDir: flags.pcap,
      });
  const csv = toCsv(result.rows);
  if (flags.out) {
    await writeFile(flags.out, csv);
    await writeProvenance(flags.out, {
      command: replayCommand(seed),
      finished: new Date().toISOString(),
      wallSeconds: result.wallSeconds,
      machine: machine(),
      seed,
      spec,
      ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
    });
    say(
      `wrote ${result.rows.length} rows to ${flags.out} (and how they were made to ${sidecarPath(flags.out)})`,
    );
  } else {
    process.stdout.write(csv);
  }
  const failed = result.rows.filter((row) => row.status !== 'ok').length;
  say(
    `${result.rows.length} of ${result.matrixSize} points${shard ? ` (shard ${shard.index}/${shard.count})` : ''} in ${result.wallSeconds.toFixed(1)} s wall` +
      (failed > 0 ? `, ${failed} transfers failed (status column)` : ''),
  );
  if (result.rows.length === 0) return;
  say(renderTable(summaryTable(result.rows)));
  if (flags.report !== undefined) {
    const html = await writeSweepReport(result.rows, flags.report, flags.out, seed);
    say(`wrote the report to ${html}`);
  }
  if (flags.chart) {
    const stream = flags.out ? process.stdout : process.stderr;
    say(
      sweepChart(result.rows, {
        title: `\nMean throughput (${spec.transport})`,
        color: stream.isTTY,
      }),
    );
  }
}
