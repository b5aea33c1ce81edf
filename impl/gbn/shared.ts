import { type ErrorCode, WhohasError } from '../errors.ts';
import type { DatagramSocket, RemoteInfo, SystemError } from '../platform/types.ts';
import { decodePacket, encodeAbort, type Packet } from './codec.ts';

/** Duplicate ACKs that signal a loss (RFC 5681's threshold). */
export const DUP_ACK_THRESHOLD = 3;
/** Kernel send buffer asked for: the window twice over (per-datagram overhead), within bounds. */
const MIN_SOCKET_BUFFER = 4 * 1024 * 1024;
const MAX_SOCKET_BUFFER = 64 * 1024 * 1024;

export function socketBufferFor(window: number, packetSize: number): number {
  return Math.min(MAX_SOCKET_BUFFER, Math.max(MIN_SOCKET_BUFFER, 2 * window * packetSize));
}

export function checkTransferId(transferId: number): void {
  if (!Number.isInteger(transferId) || transferId < 0 || transferId > 0xffff_ffff) {
    throw new WhohasError('BAD_ARGUMENT', 'transferId must be a 32-bit unsigned integer');
  }
}

/** Send-side hiccups that only lose the datagram; Go-Back-N recovers by itself. */
export function isTransientSocketError(error: SystemError): boolean {
  return error.code === 'ENOBUFS' || error.code === 'EAGAIN' || error.code === 'ECONNREFUSED';
}

export function ioError(what: string, cause: unknown): WhohasError {
  const detail = (cause ?? {}) as { code?: string; message?: string };
  return new WhohasError('IO_ERROR', `${what}: ${detail.code ?? detail.message ?? cause}`, {
    cause,
  });
}

/** Codes the other side may name in an ABORT that keep their meaning here. */
const FORWARDED: ReadonlySet<string> = new Set<ErrorCode>([
  'HASH_MISMATCH',
  'SIZE_MISMATCH',
  'IO_ERROR',
  'TRANSFER_TIMEOUT',
]);

export function remoteAbortError(side: 'sender' | 'receiver', code: string): WhohasError {
  const local = FORWARDED.has(code) ? (code as ErrorCode) : 'TRANSFER_ABORTED';
  return new WhohasError(local, `the ${side} aborted the transfer (${code})`);
}

/** Closes the socket; errors it reports while closing are not the transfer's concern. */
export function closeQuietly(socket: DatagramSocket, onError: (error: SystemError) => void): void {
  socket.close().then(
    () => socket.off('error', onError),
    () => socket.off('error', onError),
  );
}

export interface Settlement<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: WhohasError) => void;
}

/** A transfer's `done`: settled once, and never an unhandled rejection if nobody awaits it. */
export function settlement<T>(): Settlement<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: WhohasError) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Asks for a kernel buffer fitting the window; the OS may refuse or cap it (the window adapts). */
export function sizeSocketBuffer(
  set: (bytes: number) => void,
  window: number,
  packetSize: number,
): void {
  try {
    set(socketBufferFor(window, packetSize));
  } catch {
    // Best effort: loss from a small buffer is recovered like any other.
  }
}

export interface EndpointHandlers {
  message: (msg: Buffer, rinfo: RemoteInfo) => void;
  error: (error: SystemError) => void;
  close: () => void;
}

export function listen(socket: DatagramSocket, handlers: EndpointHandlers): void {
  socket.on('message', handlers.message);
  socket.on('error', handlers.error);
  socket.on('close', handlers.close);
}

/** Stops listening and closes the socket; errors while closing are not the transfer's concern. */
export function hangUp(socket: DatagramSocket, handlers: EndpointHandlers): void {
  socket.off('message', handlers.message);
  socket.off('close', handlers.close);
  closeQuietly(socket, handlers.error);
}

/** The packet if the datagram is a valid one of this transfer; undefined: ignore it. */
export function decodeFor(msg: Buffer, transferId: number): Packet | undefined {
  const packet = decodePacket(msg);
  return packet.kind === 'invalid' || packet.transferId !== transferId ? undefined : packet;
}

/** What a socket 'error' means for the transfer; undefined for a hiccup that only lost a datagram. */
export function socketFailure(error: SystemError): WhohasError | undefined {
  return isTransientSocketError(error) ? undefined : ioError('datagram socket failed', error);
}

export function socketClosedError(): WhohasError {
  return new WhohasError('IO_ERROR', 'the datagram socket closed under the transfer');
}

/** Tells the other side why we stop; one datagram, best effort. */
export function sendAbort(
  socket: DatagramSocket,
  transferId: number,
  code: string,
  port: number,
  address: string,
): void {
  socket.send(encodeAbort(transferId, code), port, address);
}
