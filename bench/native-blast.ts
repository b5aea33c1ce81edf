/**
 * What batching the system calls gives on this machine: a raw UDP blast on loopback with
 * node:dgram (one sendmsg per datagram, no callbacks), then with the native addon
 * (impl/platform/native-udp.ts): sendmmsg in batches of 16 and 64, and UDP GSO with 16 and 64
 * segments per batch (the kernel takes at most 65 507 bytes per GSO send: 31 segments of 2048 B,
 * so a batch of 64 is three sends). Each variant is a sender process and a counting receiver
 * process; rounds are interleaved and the medians printed with the load average. Per MB
 * received: the sender's sendmsg-family system calls and both processes' CPU time.
 *
 *   npx tsx bench/native-blast.ts [--rounds 5] [--bytes 2048] [--ms 1000] [--csv results/native-blast.csv]
 */
import * as dgram from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { parentChannel } from '../harness/roles.ts';
import { loadNativeUdp, socketFd } from '../impl/platform/native-udp.ts';
import { baselineMain, withReceiverAndSender } from './baselines/process.ts';
import { writeBenchProvenance } from './provenance.ts';
import { medianOf } from './source-file.ts';
import type { Table } from './table.ts';

/** How the sender sends: node:dgram, or the addon's sendmmsg / GSO with `batch` datagrams. */
export const VARIANTS = ['dgram', 'sendmmsg-16', 'sendmmsg-64', 'gso-16', 'gso-64'] as const;
export type Variant = (typeof VARIANTS)[number];
const MODE = { dgram: 0, sendmmsg: 1, gso: 2 } as const;

export interface NativeBlastResult {
  variant: Variant;
  bytesPerSecond: number;
  /** sendmsg/sendmmsg calls the sender made per MB it sent. */
  syscallsPerMb: number;
  senderCpuMsPerMb: number;
  receiverCpuMsPerMb: number;
  lossRate: number;
}

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/** Datagrams the sender queues before it lets the event loop run (as bench/baselines/udp-blast). */
const PER_TURN = 64;

export async function runNativeBlast(
  variant: Variant,
  datagramBytes = 2048,
  durationMs = 1_000,
): Promise<NativeBlastResult> {
  const [kind, size] = variant.split('-');
  const mode = MODE[kind as keyof typeof MODE];
  return withReceiverAndSender(
    import.meta.url,
    [],
    [datagramBytes, durationMs, mode, Number(size ?? 1)],
    async (receiver, sender) => {
      const sent = await sender.next<{ sent: number; syscalls: number; cpuMs: number }>();
      await sender.exited;
      receiver.send({ stop: true });
      const got = await receiver.next<{
        received: number;
        bytes: number;
        seconds: number;
        cpuMs: number;
      }>();
      const mbSent = (sent.sent * datagramBytes) / 1e6;
      return {
        variant,
        bytesPerSecond: got.bytes / got.seconds,
        syscallsPerMb: sent.syscalls / mbSent,
        senderCpuMsPerMb: sent.cpuMs / mbSent,
        receiverCpuMsPerMb: got.cpuMs / (got.bytes / 1e6),
        lossRate: sent.sent > 0 ? 1 - got.received / sent.sent : 0,
      };
    },
  );
}

async function receiverRole(): Promise<void> {
  const parent = parentChannel();
  const socket = dgram.createSocket('udp4');
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  // From the first datagram to the stop: the idle time after the last one costs no CPU.
  let cpuAtFirst = process.cpuUsage();
  socket.on('message', (msg) => {
    last = performance.now();
    if (received === 0) {
      first = last;
      cpuAtFirst = process.cpuUsage();
    } else {
      bytes += msg.length; // the first datagram opens the interval and does not count
    }
    received++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
  parent.send({ port: socket.address().port });
  await parent.next();
  const cpu = process.cpuUsage(cpuAtFirst);
  parent.send({
    received: Math.max(received - 1, 0),
    bytes,
    seconds: (last - first) / 1000,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
  socket.close();
}

async function senderRole(
  port: number,
  datagramBytes: number,
  durationMs: number,
  mode: number,
  batch: number,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  socket.on('error', () => {}); // ENOBUFS under overload: that datagram is lost, as it should be
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  const native = loadNativeUdp();
  const fd = socketFd(socket);
  if (mode !== MODE.dgram && (native === undefined || fd === undefined)) {
    throw new Error('the native addon is not built (node scripts/build-native.mjs --verbose)');
  }
  const payload = Buffer.alloc(datagramBytes, 0x5a);
  const buffers: Buffer[] = Array.from({ length: batch }, () => payload);
  const syscallsBefore = native?.syscalls() ?? 0;
  let sent = 0;
  let dgramCalls = 0;
  const cpu = process.cpuUsage();
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    if (mode === MODE.dgram) {
      for (let i = 0; i < PER_TURN; i++) socket.send(payload);
      sent += PER_TURN;
      dgramCalls += PER_TURN;
    } else {
      for (let queued = 0; queued < PER_TURN; queued += batch) {
        const taken =
          mode === MODE.sendmmsg
            ? native!.sendmmsg(fd!, buffers, 0)
            : native!.sendGso(fd!, buffers, 0, datagramBytes);
        if (taken < 0 && taken !== -11 && taken !== -105) {
          throw new Error(`send failed: errno ${-taken}`);
        }
        sent += Math.max(taken, 0);
        if (taken < batch) break; // EAGAIN/ENOBUFS: the socket buffer is full; let it drain
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const syscalls = dgramCalls + (native === undefined ? 0 : native.syscalls() - syscallsBefore);
  process.stdout.write(
    `${JSON.stringify({ sent, syscalls, cpuMs: (used.user + used.system) / 1000 })}\n`,
  );
  socket.close();
}

const mb = (bps: number) => (bps / 1e6).toFixed(1);

/** results/native-blast.csv as a table: per variant, the medians over rounds. */
export function nativeBlastTable(rows: Array<Record<string, string | number>>): Table {
  const median = (of: typeof rows, column: string) => medianOf(of.map((r) => Number(r[column])));
  return {
    head: [
      'sender',
      'MB/s received',
      '÷ dgram (same round)',
      'send calls/MB',
      'sender CPU ms/MB',
      'receiver CPU ms/MB',
      'loss',
    ],
    rows: VARIANTS.map((variant) => {
      const mine = rows.filter((r) => r.variant === variant);
      const ratio = medianOf(
        mine.map((r) => {
          const base = rows.find((b) => b.round === r.round && b.variant === 'dgram');
          return Number(r.Bps) / Number(base?.Bps);
        }),
      );
      return [
        variant,
        Number((median(mine, 'Bps') / 1e6).toFixed(1)),
        Number(ratio.toFixed(2)),
        Number(median(mine, 'syscalls_per_MB').toFixed(1)),
        Number(median(mine, 'sender_cpu_ms_per_MB').toFixed(2)),
        Number(median(mine, 'receiver_cpu_ms_per_MB').toFixed(2)),
        `${(median(mine, 'loss') * 100).toFixed(1)} %`,
      ];
    }),
  };
}

await baselineMain(import.meta.url, { receiver: receiverRole, sender: senderRole }, async () => {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      bytes: { type: 'string', default: '2048' },
      ms: { type: 'string', default: '1000' },
      csv: { type: 'string' },
    },
  });
  if (loadNativeUdp() === undefined) {
    console.error(
      'bench/native-blast: the native addon is not built (node scripts/build-native.mjs --verbose)',
    );
    process.exitCode = 2;
    return;
  }
  const rounds = Number(values.rounds);
  const bytes = Number(values.bytes);
  const started = performance.now();
  console.log(
    `UDP blast on loopback, ${bytes}-byte datagrams, ${rounds} interleaved rounds of ${values.ms} ms each; load average ${loadavg()[0].toFixed(2)}`,
  );
  const rows: Array<NativeBlastResult & { round: number; loadAverage: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    const line: string[] = [];
    for (const variant of VARIANTS) {
      const result = await runNativeBlast(variant, bytes, Number(values.ms));
      rows.push({ ...result, round, loadAverage: loadavg()[0] });
      line.push(`${variant} ${mb(result.bytesPerSecond)}`);
    }
    console.log(`round ${round}: ${line.join(', ')} MB/s; load ${loadavg()[0].toFixed(2)}`);
  }
  console.log(`\nmedians over ${rounds} rounds (ratio to the dgram blast within each round):`);
  for (const variant of VARIANTS) {
    const mine = rows.filter((r) => r.variant === variant);
    const ratio = mine.map((r) => {
      const base = rows.find((b) => b.round === r.round && b.variant === 'dgram')!;
      return r.bytesPerSecond / base.bytesPerSecond;
    });
    const median = (pick: (r: NativeBlastResult) => number) => medianOf(mine.map(pick));
    console.log(
      `  ${variant.padEnd(12)} ${mb(median((r) => r.bytesPerSecond)).padStart(7)} MB/s (${medianOf(ratio).toFixed(2)}x dgram), ` +
        `${median((r) => r.syscallsPerMb).toFixed(1)} send syscalls/MB, CPU ms/MB sender ${median((r) => r.senderCpuMsPerMb).toFixed(2)}, ` +
        `receiver ${median((r) => r.receiverCpuMsPerMb).toFixed(2)}, loss ${(median((r) => r.lossRate) * 100).toFixed(1)} %`,
    );
  }
  console.log(
    `load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (values.csv) {
    const csv = rows.map((r) => ({
      round: r.round,
      variant: r.variant,
      Bps: Math.round(r.bytesPerSecond),
      syscalls_per_MB: r.syscallsPerMb.toFixed(1),
      sender_cpu_ms_per_MB: r.senderCpuMsPerMb.toFixed(3),
      receiver_cpu_ms_per_MB: r.receiverCpuMsPerMb.toFixed(3),
      loss: r.lossRate.toFixed(4),
      load_average: r.loadAverage.toFixed(2),
    }));
    await writeFile(values.csv, stringify(csv, { header: true }));
    await writeBenchProvenance(values.csv, 'bench/native-blast.ts', started);
  }
});
