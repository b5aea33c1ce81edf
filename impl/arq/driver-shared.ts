/**
 * Small pieces every driver endpoint uses: the settle-once promise, socket listening and closing,
 * what a socket error means, and errors with a cause.
 */
import { WhohasError } from '../errors.ts';
import type { DatagramSocket, RemoteInfo, SystemError } from '../platform/types.ts';
import type { CoreFailure } from './core.ts';

/** Kernel buffer asked for: the window twice over (per-datagram overhead), within bounds. */
const MIN_SOCKET_BUFFER = 4 * 1024 * 1024;
const MAX_SOCKET_BUFFER = 64 * 1024 * 1024;

export function socketBufferFor(window: number, packetSize: number): number {
  return Math.min(MAX_SOCKET_BUFFER, Math.max(MIN_SOCKET_BUFFER, 2 * window * packetSize));
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

export function checkTransferId(transferId: number): void {
  if (!Number.isInteger(transferId) || transferId < 0 || transferId > 0xffff_ffff) {
    throw new WhohasError('BAD_ARGUMENT', 'transferId must be a 32-bit unsigned integer');
  }
}

export function ioError(what: string, cause: unknown): WhohasError {
  const detail = (cause ?? {}) as { code?: string; message?: string };
  return new WhohasError('IO_ERROR', `${what}: ${detail.code ?? detail.message ?? cause}`, {
    cause,
  });
}

/** Send-side hiccups that only lose the datagram; the ARQ recovers by itself. */
export function isTransientSocketError(error: SystemError): boolean {
  return error.code === 'ENOBUFS' || error.code === 'EAGAIN' || error.code === 'ECONNREFUSED';
}

export interface Settlement<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  resolve(value: T): void;
  reject(error: WhohasError): void;
}

/** A settle-once promise that is never an unhandled rejection if nobody awaits it. */
export function settlement<T>(): Settlement<T> {
  let ok!: (value: T) => void;
  let fail!: (error: WhohasError) => void;
  const promise = new Promise<T>((resolve, reject) => {
    ok = resolve;
    fail = reject;
  });
  promise.catch(() => {});
  let settled = false;
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      if (settled) return;
      settled = true;
      ok(value);
    },
    reject(error) {
      if (settled) return;
      settled = true;
      fail(error);
    },
  };
}

export interface SocketHandlers {
  message: (msg: Buffer, rinfo: RemoteInfo) => void;
  error: (error: SystemError) => void;
  close: () => void;
}

export function listen(socket: DatagramSocket, handlers: SocketHandlers): void {
  socket.on('message', handlers.message);
  socket.on('error', handlers.error);
  socket.on('close', handlers.close);
}

/** Stops listening and closes the socket; errors while closing are not the transfer's concern. */
export function hangUp(socket: DatagramSocket, handlers: SocketHandlers): void {
  socket.off('message', handlers.message);
  socket.off('close', handlers.close);
  socket.close().then(
    () => socket.off('error', handlers.error),
    () => socket.off('error', handlers.error),
  );
}

/** A core's failure as the error callers see. */
export function failureError(failure: CoreFailure | null): WhohasError {
  return new WhohasError(
    failure?.code ?? 'TRANSFER_ABORTED',
    failure?.message ?? 'transfer failed',
  );
}
