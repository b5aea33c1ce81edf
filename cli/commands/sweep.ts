/**
 * `whohas sweep`: runs a matrix of transfers (simulated or loopback UDP) and writes one CSV row
 * per run. Value syntax (sizes, rates, durations, lists, ranges): bench/units.ts. What runs is
 * sweep-run.ts, loaded only then.
 */
import type { Command } from 'commander';
import { addTopologyOptions, type TopologyFlags } from '../sweep-topology-flags.ts';

export interface SweepFlags extends TopologyFlags {
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
      const { sweep } = await import('./sweep-run.ts');
      await sweep(flags, command);
    });
}
