/**
 * The loopback ceilings a UDP sweep is compared with, measured in the same run: a raw UDP blast
 * at the sweep's datagram size and a TCP stream (bench/baselines/, each side its own process).
 */
import { runTcpStream } from '../baselines/tcp-stream.ts';
import { runUdpBlast } from '../baselines/udp-blast.ts';

export interface Baselines {
  /** Bytes per second the receiver of a raw blast counted. */
  udpBlastBps: number;
  tcpBps: number;
}

export async function measureBaselines(
  datagramBytes: number,
  durationMs = 1_000,
): Promise<Baselines> {
  const blast = await runUdpBlast({ datagramBytes, durationMs });
  const tcp = await runTcpStream({ durationMs });
  return { udpBlastBps: blast.bytesPerSecond, tcpBps: tcp.bytesPerSecond };
}
