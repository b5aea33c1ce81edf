import { type ErrorCode, WhohasError } from '../errors.ts';
import type { DatagramSocket, SystemError } from '../platform/types.ts';

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
