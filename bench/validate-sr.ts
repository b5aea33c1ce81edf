/**
 * Selective Repeat model validation in the pure channel: the SR cores (impl/arq/sr-*.ts) joined
 * by bench/core-link.ts (a link of rate C, delay d, i.i.d. loss) against srThroughput
 * (bench/model.ts), on the textbook settings: fixed window N, congestion 'none', fixed RTO, an
 * ACK per packet, timeout-only recovery. The rate compared is the steady one (10 % to 90 % of
 * the file at the receiver), mean over seeds.
 *
 *   npx tsx bench/validate-sr.ts [packets]        (default 20 000 packets per run)
 */

import { isMain } from '../harness/roles.ts';
import { HEADER_BYTES } from '../impl/arq/codec.ts';
import { SrReceiverCore } from '../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../impl/arq/sr-sender.ts';
import { UDP_OVERHEAD } from '../sim/packet.ts';
import { runCorePair, sha256 } from './core-link.ts';
import { type PathModel, type SenderModel, srThroughput } from './model.ts';
import { renderTable, type Table } from './table.ts';

export const SR_TOLERANCE = 0.05;
export const SR_WINDOWS = [1, 8, 32, 128];
export const SR_LOSSES = [0, 0.01, 0.05, 0.1];
const PACKET_SIZE = 2048;
const ACK_BYTES = HEADER_BYTES + 10;

export interface SrPath {
  bandwidthBps: number;
  delayMs: number;
  rtoMs: number;
}

export const SR_PATHS: SrPath[] = [
  { bandwidthBps: 100e6, delayMs: 5, rtoMs: 40 },
  { bandwidthBps: 50e6, delayMs: 20, rtoMs: 100 },
];

export interface SrCheck {
  path: SrPath;
  window: number;
  loss: number;
  runs: number;
  coreBps: number;
  modelBps: number;
  deviation: number;
}

function file(packets: number): Buffer {
  const bytes = Buffer.alloc(packets * (PACKET_SIZE - HEADER_BYTES));
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  return bytes;
}

/** Core-pair steady rate vs the model at one point, mean over `seeds` runs. */
export function checkPoint(
  path: SrPath,
  window: number,
  loss: number,
  content: Buffer,
  seeds: number,
): SrCheck {
  const options = {
    arq: 'sr' as const,
    window,
    packetSize: PACKET_SIZE,
    congestion: 'none' as const,
    fastRetransmit: false,
    rto: { mode: 'fixed' as const, ms: path.rtoMs },
    ack: { packets: 1, delayMs: 1 },
  };
  const hash = sha256(content);
  let sum = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sender = new SrSenderCore({
      transferId: 1,
      isn: 0xffff_ff00,
      token: 7n,
      fileSize: content.length,
      sha256: hash,
      options,
      now: 0,
    });
    const receiver = new SrReceiverCore({ transferId: 1, options, now: 0 });
    const link = { ...path, loss, overheadBytes: UDP_OVERHEAD };
    const result = runCorePair(sender, receiver, content, link, seed);
    if (!result.ok) throw new Error(`N = ${window}, p = ${loss}: ${result.failure}`);
    sum += result.steadyBps;
  }
  const modelPath: PathModel = { ...path, loss };
  const model: SenderModel = {
    window,
    dataWireBytes: PACKET_SIZE + UDP_OVERHEAD,
    payloadBytes: PACKET_SIZE - HEADER_BYTES,
    ackWireBytes: ACK_BYTES + UDP_OVERHEAD,
    rtoMs: path.rtoMs,
    ackEvery: 1,
  };
  const coreBps = sum / seeds;
  const modelBps = srThroughput(modelPath, model);
  return { path, window, loss, runs: seeds, coreBps, modelBps, deviation: coreBps / modelBps - 1 };
}

export function srChecks(packets: number, seeds: number): SrCheck[] {
  const content = file(packets);
  const checks: SrCheck[] = [];
  for (const path of SR_PATHS) {
    for (const window of SR_WINDOWS) {
      for (const loss of SR_LOSSES) {
        checks.push(checkPoint(path, window, loss, content, loss === 0 ? 1 : seeds));
      }
    }
  }
  return checks;
}

const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)} %`;

export function srTable(checks: SrCheck[]): Table {
  return {
    head: ['path', 'N', 'loss', 'runs', 'cores MB/s', 'model MB/s', 'deviation', 'within 5 %'],
    rows: checks.map((c) => [
      `${c.path.bandwidthBps / 1e6} Mbit/s, ${c.path.delayMs} ms, RTO ${c.path.rtoMs} ms`,
      c.window,
      `${c.loss * 100} %`,
      c.runs,
      (c.coreBps / 1e6).toFixed(4),
      (c.modelBps / 1e6).toFixed(4),
      pct(c.deviation),
      Math.abs(c.deviation) <= SR_TOLERANCE ? 'yes' : 'NO',
    ]),
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  };
}

/** The worst deviation and how many points miss the tolerance. */
export function srSummary(checks: SrCheck[]): string {
  const worst = checks.reduce((a, b) => (Math.abs(b.deviation) > Math.abs(a.deviation) ? b : a));
  const outside = checks.filter((c) => Math.abs(c.deviation) > SR_TOLERANCE).length;
  return (
    `Selective Repeat: worst deviation ${pct(worst.deviation)} (${worst.path.bandwidthBps / 1e6} Mbit/s, ` +
    `N = ${worst.window}, loss ${worst.loss * 100} %); ${outside} of ${checks.length} points outside ±${SR_TOLERANCE * 100} %`
  );
}

if (isMain(import.meta.url)) {
  const started = performance.now();
  const checks = srChecks(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 3));
  console.log(renderTable(srTable(checks)));
  console.log(srSummary(checks));
  console.log(`${((performance.now() - started) / 1e3).toFixed(1)} s`);
}
