/**
 * A transfer engine runs one point of a sweep: one file moved from a sender to a receiver over
 * one kind of network. Engines differ in what carries the transfer (the simulator or loopback
 * UDP) and how it starts (two Peers and a chat server, or a bare Go-Back-N pair); all of them
 * report the same plain numbers.
 */
import type { PointSpec } from '../sweep/spec.ts';

export interface TransferOutcome {
  /** 'ok', or the WhohasError code the transfer failed with. */
  status: string;
  /** File bytes delivered. */
  bytes: number;
  /** The receiver's transfer time: first datagram to the verified file. */
  seconds: number;
  packetsSent: number;
  retransmits: number;
  timeouts: number;
  srttMs: number;
  /** The sender's retransmission timeout at the end of the transfer. */
  rtoMs: number;
}

export interface TransferEngine {
  run(point: PointSpec): Promise<TransferOutcome>;
  /** Releases whatever the engine keeps between points (processes, sockets, temp files). */
  close(): Promise<void>;
}
