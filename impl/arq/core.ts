/**
 * The contract of a transfer protocol core (Go-Back-N or Selective Repeat, sender or receiver).
 * A core is a state machine in the style of smoltcp's sockets and quinn-proto: it never touches a
 * socket, a clock, a file or a random source. Time comes in as `now` (milliseconds, any origin);
 * datagrams come in as bytes already filtered by the driver to the negotiated peer address;
 * datagrams go out when the driver polls; random values (ISN, token) are given at construction.
 *
 * The driver's loop, for any core:
 *   on a datagram:        core.handleDatagram(bytes, now), then (at the end of the burst) drain
 *   when pollTimeout():   core.handleTimeout(now), then drain
 *   drain:                while ((d = core.pollTransmit(now)) !== null) socket.send(d)
 *   sender, after drain:  while core.dataWanted() > 0, read that many bytes and offerData(them)
 *   receiver:             while ((b = core.takeData()) !== null) write b; core.setRoom(free bytes)
 * A core ends in 'done' or 'failed'; a receiver that is 'done' still answers a retransmitted FIN
 * (pollTransmit) until the driver stops calling it after its linger time.
 *
 * The file's SHA-256 is checked by the receiver core: it hashes every byte as it delivers it in
 * order (ready-queue.ts) and checks size and digest (START's, or FIN's when the sender was given
 * none and hashed what it sent: file-digest.ts) when FIN arrives, before acknowledging
 * it; a mismatch fails the core with HASH_MISMATCH (and ABORT). The core is pure, so its vectors
 * prove that path. The driver does not hash again: it hands the core the FIN only once every byte
 * is on file, then holds the core's output (the FIN ACK) until the file is committed under its
 * final name, so a sender that hears the FIN ACK knows the file is there; a commit that fails
 * aborts the done core (ABORT IO_ERROR instead of the FIN ACK).
 */
import type { ErrorCode } from '../errors.ts';
import type { Scheme } from './codec.ts';
import type { TransferOptionsInput } from './options.ts';
import type { TransferStats } from './stats.ts';

/** What every sender core (either scheme) is built from; the random values come from the driver. */
export interface SenderInit {
  transferId: number;
  /** The initial sequence number (START's), random. */
  isn: number;
  /** Random 64-bit value the receiver must echo: proof it saw START. */
  token: bigint;
  fileSize: number;
  /** The file's SHA-256 for START, or null: the core hashes what is offered and FIN carries it. */
  sha256: Uint8Array | null;
  options?: TransferOptionsInput;
  now: number;
}

/** What every receiver core (either scheme) is built from. */
export interface ReceiverInit {
  transferId: number;
  options?: TransferOptionsInput;
  now: number;
}

export type CoreStatus = 'active' | 'done' | 'failed';

export interface CoreFailure {
  readonly code: ErrorCode;
  readonly message: string;
  /** True when the other side said so (an ABORT arrived), false when this side gave up. */
  readonly remote: boolean;
}

export interface ArqCore {
  /** One datagram from the peer (any bytes: decoding and validation are the core's). */
  handleDatagram(datagram: Buffer, now: number): void;
  /** Called by the driver once `now` has reached `pollTimeout()`. */
  handleTimeout(now: number): void;
  /** The next datagram to send, or null when there is nothing to send now. */
  pollTransmit(now: number): Buffer | null;
  /** The next instant `handleTimeout` must run at, or null when no timer is armed. */
  pollTimeout(): number | null;
  /**
   * Gives up locally: the core fails with `code` and sends ABORT (repeated until ABORT_ACK).
   * A receiver that is done can still be aborted: its driver holds the FIN ACK until the file is
   * committed, and a failed commit must reach the sender as ABORT, not as a FIN ACK.
   */
  abort(code: ErrorCode, message: string, now: number): void;
  readonly status: CoreStatus;
  readonly failure: CoreFailure | null;
  /** A snapshot of the plain counters at `now`. */
  stats(now: number): TransferStats;
}

export interface ArqSenderCore extends ArqCore {
  readonly scheme: Scheme;
  /** The receiver echoed this transfer's token: its address is proven, data may flow. */
  readonly validated: boolean;
  /**
   * File bytes the core can take now: what fills the window it may send (bounded by N, the
   * congestion window and the receiver's advertised window) plus at most one packet ahead.
   * 0 when it needs nothing, including after the whole file was offered.
   */
  dataWanted(): number;
  /** The next file bytes in order (at most `dataWanted()`); the core keeps a reference. */
  offerData(chunk: Buffer): void;
  /** The file's SHA-256: given, or (hash deferred to FIN) once FIN was built. */
  readonly sha256: Uint8Array | undefined;
}

export interface TransferAnnouncement {
  readonly fileSize: number;
  /** Zero when `hashInFin`: then FIN carries the file's SHA-256. */
  readonly sha256: Buffer;
  readonly hashInFin: boolean;
  readonly window: number;
  readonly scheme: Scheme;
}

export interface ArqReceiverCore extends ArqCore {
  readonly scheme: Scheme;
  /** What START said, once a START was accepted. */
  readonly announcement: TransferAnnouncement | null;
  /** In-order file bytes ready to be written, or null (views into datagrams: copy or write now). */
  takeData(): Buffer | null;
  /**
   * The bytes the driver can still buffer before its writes catch up. The advertised window
   * follows it, so a slow disk slows the sender instead of making the receiver drop packets.
   */
  setRoom(bytes: number): void;
}
