import { WhohasError } from '../errors.ts';
import {
  HEADER_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_WINDOW,
  SCHEMES,
  type Scheme,
  START_PAYLOAD_BYTES,
} from './codec.ts';

export { MAX_WINDOW };

export type RtoOptions =
  /** RFC 6298: SRTT/RTTVAR, Karn's rule, exponential backoff, clamped to [minMs, maxMs]. */
  | { mode: 'adaptive'; initialMs: number; minMs: number; maxMs: number }
  /** The same timeout every time, no backoff (the 2016 peer's behaviour). */
  | { mode: 'fixed'; ms: number };

export interface AckOptions {
  /**
   * Acknowledge once this many in-order packets are unacknowledged (capped at half the sender's
   * window), with one ACK per drain of the receiver's output (the driver drains at the end of a
   * burst of datagrams): a burst costs one ACK however long it is. 1: an ACK per packet (the
   * analytic model).
   */
  packets: number;
  /** ... or this long after the first packet not yet acknowledged. */
  delayMs: number;
}

/**
 * 'aimd': the sender keeps an effective window <= N that halves on every loss it detects and grows
 * back by one packet per clean round trip (TCP's congestion window under the receiver's window),
 * so a window larger than the path or the receiver can buffer settles instead of collapsing.
 * 'none': a fixed window of N, textbook Go-Back-N (what bench/model.ts describes).
 */
export type CongestionMode = 'aimd' | 'none';

export interface TransferOptions {
  /**
   * The ARQ scheme: 'gbn' (Go-Back-N: the receiver keeps only the next expected packet, the
   * sender goes back to the oldest unacknowledged one) or 'sr' (Selective Repeat: the receiver
   * buffers out-of-order packets, the sender resends only those missing). Both ends must agree;
   * a receiver refuses a START of the other scheme with UNSUPPORTED_ARQ.
   */
  arq: Scheme;
  /** The window N, in packets: 1..65535. */
  window: number;
  congestion: CongestionMode;
  /**
   * Go back to the oldest unacknowledged packet after 3 duplicate ACKs instead of waiting for the
   * timeout, at most once per window (NewReno's recovery point). false: timeout-only recovery.
   */
  fastRetransmit: boolean;
  /** Datagram size in bytes, header included. The payload is packetSize - 16. */
  packetSize: number;
  rto: RtoOptions;
  /** Consecutive timeouts without progress before the sender gives up. */
  maxRetries: number;
  /**
   * The receiver gives up after this long without a valid datagram from the sender. Default:
   * derived from the retry policy (`defaultIdleTimeoutMs`), so the receiver never gives up while
   * the sender may still be retrying.
   */
  idleTimeoutMs: number;
  ack: AckOptions;
  /** After completing, the receiver stays this long to re-acknowledge a retransmitted FIN. */
  lingerMs: number;
  /** Sender: bytes read from the file at a time (two reads in flight at most). */
  readChunkBytes: number;
  /** Receiver: bytes gathered before each file write (two buffers at most). */
  writeChunkBytes: number;
}

export type TransferOptionsInput = Partial<TransferOptions>;

export const MIN_PACKET_SIZE = HEADER_BYTES + START_PAYLOAD_BYTES;

/** The longest single timeout the retry policy allows. */
function longestRtoMs(rto: RtoOptions): number {
  return rto.mode === 'fixed' ? rto.ms : rto.maxMs;
}

/**
 * Worst case from the sender's last sign of progress to its TRANSFER_TIMEOUT: maxRetries + 1
 * timeouts in a row, each at most the longest timeout.
 */
export function senderGiveUpHorizonMs(
  options: Pick<TransferOptions, 'rto' | 'maxRetries'>,
): number {
  return (options.maxRetries + 1) * longestRtoMs(options.rto);
}

/**
 * The receiver's default idle timeout: the sender's give-up horizon plus one longest timeout, so a
 * receiver only gives up after a sender with the same options has given up (and told it).
 */
export function defaultIdleTimeoutMs(options: Pick<TransferOptions, 'rto' | 'maxRetries'>): number {
  return senderGiveUpHorizonMs(options) + longestRtoMs(options.rto);
}

const DEFAULT_MAX_RETRIES = 30;

const defaultRto: RtoOptions = Object.freeze({
  mode: 'adaptive',
  initialMs: 200,
  minMs: 10,
  maxMs: 2_000,
});

export const defaultTransferOptions: Readonly<TransferOptions> = Object.freeze({
  arq: 'gbn',
  window: 16,
  congestion: 'aimd',
  fastRetransmit: true,
  packetSize: 2048,
  rto: defaultRto,
  // 30 timeouts in a row without progress (~50 s: the backoff restarts on progress, so the RTO
  // reaches its 2 s ceiling after ~8 of them). With the window at 1 under 30 % loss both ways a
  // round trip survives with probability 0.49: 16 misses in a row (TCP's tcp_retries2 = 15, but
  // TCP's ceiling is 120 s, not 2 s) cost ~0.1 % of transfers; 31 misses, ~1e-9 per packet.
  maxRetries: DEFAULT_MAX_RETRIES,
  idleTimeoutMs: defaultIdleTimeoutMs({ rto: defaultRto, maxRetries: DEFAULT_MAX_RETRIES }),
  ack: Object.freeze({ packets: 4, delayMs: 1 }),
  lingerMs: 3_000,
  readChunkBytes: 256 * 1024,
  writeChunkBytes: 512 * 1024,
}) as Readonly<TransferOptions>;

function isIntIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function bad(message: string): never {
  throw new WhohasError('BAD_ARGUMENT', message);
}

/** Merges with the defaults and validates; misuse throws a WhohasError at once. */
export function resolveTransferOptions(input: TransferOptionsInput = {}): TransferOptions {
  const options: TransferOptions = { ...defaultTransferOptions };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  if (!SCHEMES.includes(options.arq)) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `unknown ARQ scheme ${JSON.stringify(options.arq)}: use ${SCHEMES.map((s) => `'${s}'`).join(' or ')}`,
    );
  }
  if (!isIntIn(options.window, 1, MAX_WINDOW)) {
    throw new WhohasError('BAD_WINDOW', `window must be an integer 1..${MAX_WINDOW}`);
  }
  if (!isIntIn(options.packetSize, MIN_PACKET_SIZE, MAX_DATAGRAM_BYTES)) {
    throw new WhohasError(
      'BAD_PACKET_SIZE',
      `packet size must be an integer ${MIN_PACKET_SIZE}..${MAX_DATAGRAM_BYTES} bytes`,
    );
  }
  const rto = options.rto;
  if (rto?.mode === 'fixed') {
    if (!isMs(rto.ms)) bad('rto.ms must be a positive number of milliseconds');
  } else if (rto?.mode === 'adaptive') {
    if (!isMs(rto.initialMs) || !isMs(rto.minMs) || !isMs(rto.maxMs) || rto.minMs > rto.maxMs) {
      bad('rto needs positive initialMs, minMs <= maxMs');
    }
  } else {
    bad("rto.mode must be 'adaptive' or 'fixed'");
  }
  if (!isIntIn(options.maxRetries, 0, 1_000)) bad('maxRetries must be an integer 0..1000');
  if (options.congestion !== 'aimd' && options.congestion !== 'none') {
    bad("congestion must be 'aimd' or 'none'");
  }
  if (typeof options.fastRetransmit !== 'boolean') bad('fastRetransmit must be a boolean');
  if (input.idleTimeoutMs === undefined) options.idleTimeoutMs = defaultIdleTimeoutMs(options);
  if (!isMs(options.idleTimeoutMs)) bad('idleTimeoutMs must be positive');
  if (!isIntIn(options.ack?.packets, 1, MAX_WINDOW) || !isMs(options.ack?.delayMs)) {
    bad('ack needs packets 1..65535 and a positive delayMs');
  }
  if (!(options.lingerMs >= 0)) bad('lingerMs must be >= 0');
  if (!isIntIn(options.readChunkBytes, 1, 2 ** 30)) bad('readChunkBytes out of range');
  if (!isIntIn(options.writeChunkBytes, 1, 2 ** 30)) bad('writeChunkBytes out of range');
  return options;
}

export function payloadBytes(options: TransferOptions): number {
  return options.packetSize - HEADER_BYTES;
}
