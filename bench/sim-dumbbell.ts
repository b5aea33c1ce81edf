/**
 * K bare Go-Back-N transfers at once across one simulated bottleneck (sim/topologies.ts
 * dumbbell): sender i sends a file to receiver i, all starting together. A sanity check of the
 * shared queue, not the sweep (`whohas sweep --topology dumbbell` is that): prints per K and
 * window N the aggregate goodput as a ratio to the bottleneck rate, per-flow min/max, Jain's
 * fairness index, the bottleneck's drops and mean queueing delay, wall time, events per CPU
 * second and the load average.
 *
 *   npx tsx bench/sim-dumbbell.ts [flows=2,4,8,16] [windows=8,64] [fileBytes=1000000] [seed=1]
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { TransferReceiver, TransferSender } from '../impl/arq/index.ts';
import { Simulator } from '../sim/index.ts';
import { dumbbell } from '../sim/topologies.ts';

const BOTTLENECK_BPS = 10e6;

export interface DumbbellResult {
  flows: number;
  window: number;
  /** Aggregate file bytes per second until the last flow finished. */
  aggregateBps: number;
  perFlowBps: number[];
  jain: number;
  drops: number;
  meanSojournMs: number;
  wallMs: number;
  cpuMs: number;
  events: number;
}

export async function runDumbbell(
  flows: number,
  window: number,
  fileBytes: number,
  seed = 1,
): Promise<DumbbellResult> {
  const sim = new Simulator({ seed });
  const d = dumbbell(sim, {
    pairs: flows,
    bottleneck: { bandwidthBps: BOTTLENECK_BPS, delayMs: 20, queueBytes: 64 * 1024 },
    access: { bandwidth: '1Gbit', delayMs: 1 },
  });
  const content = Buffer.alloc(fileBytes);
  for (let i = 0; i < fileBytes; i++) content[i] = (i * 131 + 7) & 0xff;
  const sha256 = createHash('sha256').update(content).digest();
  const finished: number[] = [];
  const setup = async (i: number) => {
    const [from, to] = [d.senders[i], d.receivers[i]];
    from.files.write('/share/file.bin', content);
    to.files.mkdir('/downloads');
    const senderSocket = from.platform.dgram.createSocket();
    const receiverSocket = to.platform.dgram.createSocket();
    const { port } = await receiverSocket.bind(0);
    await senderSocket.bind(0);
    const options = { window, packetSize: 1400 };
    const transferId = i + 1;
    const receiver = new TransferReceiver({
      platform: to.platform,
      socket: receiverSocket,
      peerAddress: from.address,
      transferId,
      dir: '/downloads',
      name: 'file.bin',
      options,
    });
    const file = await from.platform.fs.openRead('/share/file.bin');
    const sender = new TransferSender({
      platform: from.platform,
      socket: senderSocket,
      peer: { address: to.address, port },
      transferId,
      file,
      sha256,
      options,
    });
    return Promise.all([sender.done, receiver.done]).then(() => {
      finished[i] = sim.now;
    });
  };
  const started = sim.now;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const eventsStart = sim.eventCount;
  const transfers = await sim.until(Promise.all(d.senders.map((_, i) => setup(i))));
  await sim.until(Promise.all(transfers));
  const cpu = process.cpuUsage(cpuStart);
  const perFlowBps = finished.map((end) => fileBytes / ((end - started) / 1000));
  const sum = perFlowBps.reduce((total, x) => total + x, 0);
  const squares = perFlowBps.reduce((total, x) => total + x * x, 0);
  return {
    flows,
    window,
    aggregateBps: (flows * fileBytes) / ((Math.max(...finished) - started) / 1000),
    perFlowBps,
    jain: (sum * sum) / (flows * squares),
    drops: d.bottleneck.stats.dropped,
    meanSojournMs: d.bottleneck.stats.meanSojournMs,
    wallMs: performance.now() - wallStart,
    cpuMs: (cpu.user + cpu.system) / 1000,
    events: sim.eventCount - eventsStart,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = (text: string | undefined, fallback: number[]) =>
    text === undefined ? fallback : text.split(',').map(Number);
  const flowsList = list(process.argv[2], [2, 4, 8, 16]);
  const windows = list(process.argv[3], [8, 64]);
  const fileBytes = Number(process.argv[4] ?? 1_000_000);
  const seed = Number(process.argv[5] ?? 1);
  const ceiling = BOTTLENECK_BPS / 8;
  console.log(
    `dumbbell: 10 Mbit/s, 20 ms, 64 KiB drop-tail bottleneck; 1 Gbit/s 1 ms access; ` +
      `Go-Back-N, 1400-byte packets, ${fileBytes} bytes a flow, seed ${seed}`,
  );
  console.log(
    'flows  N   aggregate/ceiling  flow min..max kB/s  jain   drops  sojourn  wall    events/CPU s',
  );
  for (const window of windows) {
    for (const flows of flowsList) {
      const r = await runDumbbell(flows, window, fileBytes, seed);
      const kB = (x: number) => (x / 1000).toFixed(1);
      console.log(
        `${String(r.flows).padStart(5)}  ${String(r.window).padStart(2)}  ` +
          `${(r.aggregateBps / ceiling).toFixed(3).padStart(17)}  ` +
          `${`${kB(Math.min(...r.perFlowBps))}..${kB(Math.max(...r.perFlowBps))}`.padStart(18)}  ` +
          `${r.jain.toFixed(3)}  ${String(r.drops).padStart(5)}  ${r.meanSojournMs.toFixed(1).padStart(5)} ms  ` +
          `${(r.wallMs / 1000).toFixed(2)} s  ${Math.round((r.events / r.cpuMs) * 1000).toLocaleString('en-US')}`,
      );
    }
  }
  console.log(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
}
