import { type ErrorCode, WhohasError } from '../errors.ts';
import type { DatagramSocket, SystemError } from '../platform/types.ts';

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
