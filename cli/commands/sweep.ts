/**
 * `whohas sweep`: runs a matrix of transfers (simulated or loopback UDP) and writes one CSV row
 * per run. Value syntax (sizes, rates, durations, lists, ranges): bench/units.ts.
 */
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
  addTopologyOptions,
  givenOptions,
  named,
  refuseInapplicable,
  refuseQueueWithWorkers,
  refuseUnseededShard,
  splitQueueFlag,
  type TopologyFlags,
  topologyFrom,
} from '../sweep-flags.ts';

interface SweepFlags extends TopologyFlags {
  transport: string;
  engine: string;
  profile?: string;
  arq: string;
  window: string;
  packetSize: string;
  size: string;
  loss?: string;
  burst?: string;
  delay?: string;
  jitter?: string;
  bandwidth?: string;
  rto: string;
  ackEvery?: string;
  congestion?: string;
  fastRetransmit?: string;
  seed?: string;
  seeds?: string;
  repeat: string;
  workers?: string;
  timeLimit?: string;
  out?: string;
  chart?: boolean;
  report?: string | true;
  pcap?: string;
  shard?: string;
  queue?: string;
  jobQueue?: string;
  progress: boolean;
}

const RANGES =
  'Lists and ranges: 1,2,4 | 1..256 (doubling) | 1..256x4 | 0..100+25. Sizes: 2048, 512k, 21.76MB, 1GiB. ' +
  'Rates: 100Mbit, 1Gbit. Durations: 10ms, 1.5s. Loss: 0.01 or 1%.';

export function register(program: Command): void {
  const command = program.command('sweep');
  addTopologyOptions(command);
  command
    .description(
      'Sweep Go-Back-N transfers over a matrix of settings; one CSV row per run, a summary, a chart',
    )
    .option('--transport <kind>', 'sim (virtual time) or udp (real loopback, wall clock)', 'sim')
    .option(
      '--engine <kind>',
      'peer (server + two Peers, whohas + getfile) or gbn (bare pair)',
      'peer',
    )
    .option(
      '--profile <names>',
      'simulated link profiles: loopback, lan, wifi, wan, lossy, ideal (no impairment); default lan',
    )
    .option('--arq <list>', 'ARQ schemes, swept like the window: gbn, sr or gbn,sr', 'gbn')
    .option('--window <list>', 'ARQ window N', '1..256')
    .option('--packet-size <list>', 'datagram size in bytes, header included', '2048')
    .option('--size <list>', 'file size', '21.76MB')
    .option('--loss <list>', 'data-direction loss (mean loss with --burst); default 0,1%,5% (sim)')
    .option('--burst <list>', 'mean loss burst in packets, Gilbert-Elliott (1: i.i.d.); default 1')
    .option(
      '--delay <list>',
      "one-way delay per direction, as netem counts it (default: the profile's)",
    )
    .option('--jitter <list>', "normal jitter s.d. per direction (default: the profile's)")
    .option('--bandwidth <list>', "link rate per direction, e.g. 100Mbit (default: the profile's)")
    .option(
      '--rto <ms|adaptive>',
      'retransmission timeout: adaptive (RFC 6298) or fixed ms',
      'adaptive',
    )
    .option('--ack-every <n>', 'ACK every n in-order packets (default: the Go-Back-N default)')
    .option(
      '--congestion <mode>',
      "aimd or none (fixed window N, as the model has it); default: Go-Back-N's",
    )
    .option(
      '--fast-retransmit <on|off>',
      "go back after 3 duplicate ACKs, or on timeouts only; default: Go-Back-N's",
    )
    .option('--seed <n>', 'base seed (default: random, printed first)')
    .option('--seeds <k>', 'K consecutive seeds from the base (default 3 sim, 1 udp)')
    .option('--repeat <r>', 'runs of each point', '1')
    .option('--workers <n>', 'worker threads for simulated points (default: one per core)')
    .option(
      '--time-limit <duration>',
      'udp: abort a transfer still running after this; default 60s',
    )
    .option('--out <file.csv>', 'write the CSV there (default: CSV on stdout, the rest on stderr)')
    .option('--chart', 'draw a chart of mean throughput')
    .option('--pcap <dir>', 'sim: one pcapng per run in dir, drops and damage as packet comments')
    .option(
      '--report [file.html]',
      'write the HTML report (charts with error bars, summary); default: beside --out, else runs/',
    )
    .option(
      '--shard <i/n>',
      'run only slice i of n of the matrix (needs --seed and --out; join with whohas merge)',
    )
    .option(
      '--queue <redis://HOST:PORT|size>',
      'a Redis URL: run the points on whohas worker processes anywhere, through a BullMQ queue there; ' +
        'a size with --topology: the bottleneck queue, 64KB (bytes) or 100p (packets); may be given twice',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      `\n${RANGES}\n\nExamples:\n  whohas sweep --chart --out results/sweep.csv\n  whohas sweep --window 8..64 --loss 0..0.1+0.02 --profile wan --seeds 5 --chart\n  whohas sweep --transport udp --window 1..128 --size 21.76MB --out loopback.csv`,
    )
    .action(async (flags: SweepFlags, command: Command) => {
      const given = givenOptions(command);
      await sweep(splitQueueFlag(flags, given), given);
    });
}

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

async function sweep(flags: SweepFlags, given: Set<string>): Promise<void> {
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
