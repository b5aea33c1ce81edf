/**
 * The loopback ceilings a UDP sweep is compared with, measured in the same run: a raw UDP blast
 * at the sweep's datagram size (with and without a callback per send), a TCP stream
 * (bench/baselines/, each side its own process), and a real peer: atftp (RFC 7440) at the same
 * window and payload per datagram, when it is installed (or installable: `ensureAtftp`).
 */
import { HEADER_BYTES } from '../../impl/arq/codec.ts';
import { ensureAtftp, runAtftp } from '../baselines/atftp.ts';
import { runTcpStream } from '../baselines/tcp-stream.ts';
import { runUdpBlast } from '../baselines/udp-blast.ts';
import type { SameRunBaselines } from '../sweep/point.ts';

export interface Baselines {
  /** Bytes per second the receiver of a raw blast counted. */
  udpBlastBps: number;
  /** The same with a completion callback per send. */
  udpBlastCallbacksBps: number;
  tcpBps: number;
}

export async function measureBaselines(
  datagramBytes: number,
  durationMs = 1_000,
): Promise<Baselines> {
  const blast = await runUdpBlast({ datagramBytes, durationMs });
  const withCallbacks = await runUdpBlast({ datagramBytes, durationMs, callbacks: true });
  const tcp = await runTcpStream({ durationMs });
  return {
    udpBlastBps: blast.bytesPerSecond,
    udpBlastCallbacksBps: withCallbacks.bytesPerSecond,
    tcpBps: tcp.bytesPerSecond,
  };
}

/** Why atftp cannot be measured here (printed once per run), or undefined. */
export function atftpSkipReason(): string | undefined {
  return ensureAtftp();
}

/**
 * atftp moving `fileBytes` at `window` with the payload of a `packetSize`-byte whohas datagram
 * (blksize = packetSize - 16): the median of `rounds` downloads, in bytes per second.
 */
export async function measureAtftp(
  fileBytes: number,
  window: number,
  packetSize: number,
  rounds = 3,
): Promise<number> {
  const runs = await runAtftp({ fileBytes, window, blockBytes: packetSize - HEADER_BYTES }, rounds);
  const rates = runs.filter((run) => run.identical).map((run) => run.bytesPerSecond);
  rates.sort((a, b) => a - b);
  return rates.length === 0 ? Number.NaN : rates[rates.length >> 1];
}

export type { SameRunBaselines };
