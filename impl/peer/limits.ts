import { MAX_DATAGRAM_BYTES, SCHEMES, type Scheme } from '../arq/codec.ts';
import {
  MAX_WINDOW as GBN_MAX_WINDOW,
  MIN_PACKET_SIZE as GBN_MIN_PACKET_SIZE,
} from '../arq/options.ts';
import { WhohasError } from '../errors.ts';

/**
 * Ranges and defaults of the peer's settings, shared by the Peer class, the wire parser and the
 * CLI so a value is judged the same way wherever it comes from.
 */
export const DEFAULT_WINDOW = 16;
export const MIN_WINDOW = 1;
export const MAX_WINDOW = GBN_MAX_WINDOW;

/** Datagram size in bytes, header included (2048 as in the 2016 report). */
export const DEFAULT_PACKET_SIZE = 2048;
/** Room for the Go-Back-N header and the START packet's payload. */
export const MIN_PACKET_SIZE = GBN_MIN_PACKET_SIZE;
/** The largest UDP payload over IPv4. */
export const MAX_PACKET_SIZE = MAX_DATAGRAM_BYTES;

export const DEFAULT_PARALLEL = 4;
export const MAX_PARALLEL = 1024;

export const DEFAULT_WHOHAS_WAIT_MS = 1000;

/** Owners a chunked download uses at once unless told (`--sources N`). */
export const DEFAULT_SOURCES = 4;

/** The 2016 client tried these chat ports in turn when none was given. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';
export const DEFAULT_SERVER_PORTS: readonly number[] = Array.from(
  { length: 10 },
  (_, i) => 50_000 + i,
);

/** A whole decimal number written plainly (no sign, exponent, spaces or leading zeros). */
export function parseDecimal(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function windowProblem(value: number): string | undefined {
  if (Number.isInteger(value) && value >= MIN_WINDOW && value <= MAX_WINDOW) return undefined;
  return `window must be a whole number from ${MIN_WINDOW} to ${MAX_WINDOW}, got ${value}`;
}

export function packetSizeProblem(value: number): string | undefined {
  if (Number.isInteger(value) && value >= MIN_PACKET_SIZE && value <= MAX_PACKET_SIZE) {
    return undefined;
  }
  return `packet size must be a whole number of bytes from ${MIN_PACKET_SIZE} to ${MAX_PACKET_SIZE}, got ${value}`;
}

export function parallelProblem(value: number): string | undefined {
  if (Number.isInteger(value) && value >= 0 && value <= MAX_PARALLEL) return undefined;
  return `parallel uploads must be a whole number from 0 to ${MAX_PARALLEL}, got ${value}`;
}

/** Throws the matching WhohasError at once, as misuse of an API should. */
export function checkWindow(value: number): number {
  const problem = windowProblem(value);
  if (problem) throw new WhohasError('BAD_WINDOW', problem);
  return value;
}

export function checkPacketSize(value: number): number {
  const problem = packetSizeProblem(value);
  if (problem) throw new WhohasError('BAD_PACKET_SIZE', problem);
  return value;
}

export function checkParallel(value: number): number {
  const problem = parallelProblem(value);
  if (problem) throw new WhohasError('BAD_ARGUMENT', problem);
  return value;
}

export interface ServerAddress {
  host: string;
  port: number;
}

/** `host:port`, `:port` or `port` (host defaults to 127.0.0.1); IPv6 as `[::1]:port`. */
export function parseServerAddress(text: string): ServerAddress {
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?([0-9]+)$/.exec(text.trim());
  const port = match ? parseDecimal(match[3]) : undefined;
  if (!match || port === undefined || port < 1 || port > 65_535) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `server must be host:port with a port from 1 to 65535, got "${text}"`,
    );
  }
  const host = match[1] ?? (match[2] || DEFAULT_SERVER_HOST);
  return { host, port };
}

/** The ARQ schemes a peer can ask for; UNSUPPORTED_ARQ for anything else. */
export function checkArq(value: string): Scheme {
  const scheme = SCHEMES.find((known) => known === value);
  if (scheme === undefined) {
    throw new WhohasError(
      'UNSUPPORTED_ARQ',
      `arq must be one of ${SCHEMES.join(', ')}, got "${value}"`,
    );
  }
  return scheme;
}
