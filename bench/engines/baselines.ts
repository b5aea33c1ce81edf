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

/** atftp normally moves a sweep's file in well under a second; 5 s means it has stalled. */
const ATFTP_LIMIT_S = 5;

/**
 * atftp moving `fileBytes` at `window` with the payload of a `packetSize`-byte whohas datagram
 * (blksize = packetSize - 16), once, in bytes per second; NaN (and `stalled`) when it did not
 * finish within 5 s (atftp 0.8 stalls at windowsize 64 and more on loopback).
 */
export async function measureAtftp(
  fileBytes: number,
  window: number,
  packetSize: number,
): Promise<{ bytesPerSecond: number; stalled: boolean }> {
  const [run] = await runAtftp(
    { fileBytes, window, blockBytes: packetSize - HEADER_BYTES },
    1,
    ATFTP_LIMIT_S,
  );
  if (run.status !== 'ok') return { bytesPerSecond: Number.NaN, stalled: true };
  if (!run.identical) throw new Error('atftp delivered a different file');
  return { bytesPerSecond: run.bytesPerSecond, stalled: false };
}

export type { SameRunBaselines };
