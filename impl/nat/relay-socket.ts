/**
 * A peer's side of the relay (relay.ts): a DatagramSocket over its transfer socket that binds
 * to the server's relay with the grant's transfer id and token, then wraps every datagram sent
 * into a DATA frame to the server and unwraps the server's DATA frames into 'message' events,
 * as if they came from the server's address. The transfer drivers run over it unchanged.
 *
 * Once bound it keeps its binding alive: BIND again every `keepaliveMs` (15 s, like the punch's
 * keepalive) and whenever nothing came from the relay for `quietMs` (1 s; at most one BIND per
 * quiet spell), so a NAT that rebooted or forgot the mapping makes a fresh one and the relay
 * re-points this side to it. A REFUSED after binding (the grant's quota is used up, or the grant
 * is gone) goes to `onRefused` as RELAY_REFUSED, once; the keepalive stops with it and at close.
 */
import { WhohasError } from '../errors.ts';
import { TypedEmitter } from '../platform/emitter.ts';
import type {
  AddressInfo,
  Clock,
  DatagramSocket,
  DatagramSocketEvents,
  RemoteInfo,
  SystemError,
  TimerHandle,
} from '../platform/types.ts';
import { decodeRelayFrame, encodeRelayFrame, RelayKind, type Side } from './relay.ts';

export interface RelayBinding {
  server: { address: string; port: number };
  transferId: number;
  token: Buffer;
  side: Side;
}

export interface RelayKeepalive {
  /** BIND again this often while bound (default 15 s). */
  keepaliveMs: number;
  /** BIND again after this long without a frame from the relay (default 1 s). */
  quietMs: number;
}

export const DEFAULT_RELAY_KEEPALIVE: RelayKeepalive = { keepaliveMs: 15_000, quietMs: 1_000 };

/** Timer rounding (virtual time is a float): a deadline this close counts as reached. */
const SLACK_MS = 1e-6;

export class RelaySocket extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly #inner: DatagramSocket;
  readonly #binding: RelayBinding;
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.#receive(msg, rinfo);
  readonly #onError = (error: SystemError) => this.emit('error', error);
  #bound: (() => void) | undefined;
  #refused: ((error: WhohasError) => void) | undefined;
  readonly #keepalive: RelayKeepalive;
  #clock: Clock | undefined;
  #timer: TimerHandle | undefined;
  #lastHeard = 0;
  #lastBind = 0;
  #refusal: WhohasError | undefined;
  #onRefused: ((error: WhohasError) => void) | undefined;
  #closed = false;

  constructor(
    inner: DatagramSocket,
    binding: RelayBinding,
    keepalive: Partial<RelayKeepalive> = {},
  ) {
    super();
    this.#inner = inner;
    this.#binding = binding;
    this.#keepalive = { ...DEFAULT_RELAY_KEEPALIVE, ...keepalive };
    inner.on('message', this.#onMessage);
    inner.on('error', this.#onError);
  }

  /** Binds at the relay, retrying every `intervalMs`; RELAY_REFUSED when refused or unanswered. */
  bindRelay(clock: Clock, attempts = 8, intervalMs = 250): Promise<void> {
    const { server } = this.#binding;
    return new Promise((resolve, reject) => {
      let sent = 0;
      let timer: TimerHandle | undefined;
      const finish = () => {
        clock.clearTimeout(timer);
        this.#bound = undefined;
        this.#refused = undefined;
      };
      this.#bound = () => {
        finish();
        this.#keepAlive(clock);
        resolve();
      };
      this.#refused = (error) => {
        finish();
        reject(error);
      };
      const attempt = () => {
        if (sent === attempts) {
          this.#refused?.(
            new WhohasError(
              'RELAY_REFUSED',
              `the relay at ${server.address}:${server.port} did not answer`,
            ),
          );
          return;
        }
        sent++;
        this.#sendBind();
        timer = clock.setTimeout(attempt, intervalMs);
      };
      attempt();
    });
  }

  /** Hears of a refusal after binding (at most once; at once if it already came). */
  onRefused(action: (error: WhohasError) => void): void {
    this.#onRefused = action;
    if (this.#refusal) action(this.#refusal);
  }

  bind(): Promise<AddressInfo> {
    return Promise.resolve(this.#inner.address());
  }

  address(): AddressInfo {
    return this.#inner.address();
  }

  /** The destination is always the relay: the other side is wherever the relay found it. */
  send(
    msg: Uint8Array,
    _port: number,
    _address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    const { server, transferId, token, side } = this.#binding;
    const frame = encodeRelayFrame({ kind: RelayKind.DATA, transferId, token, side }, msg);
    this.#inner.send(frame, server.port, server.address, callback);
  }

  setRecvBufferSize(bytes: number): void {
    this.#inner.setRecvBufferSize(bytes);
  }

  setSendBufferSize(bytes: number): void {
    this.#inner.setSendBufferSize(bytes);
  }

  /** Detaches from the transfer socket (which the caller owns and closes). */
  close(): Promise<void> {
    this.#closed = true;
    this.#clock?.clearTimeout(this.#timer);
    this.#inner.off('message', this.#onMessage);
    this.#inner.off('error', this.#onError);
    this.emit('close');
    return Promise.resolve();
  }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    const { server, transferId } = this.#binding;
    if (rinfo.address !== server.address || rinfo.port !== server.port) return;
    const frame = decodeRelayFrame(msg);
    if (!frame || frame.transferId !== transferId >>> 0) return;
    if (this.#clock) this.#lastHeard = this.#clock.now();
    if (frame.kind === RelayKind.BOUND) this.#bound?.();
    else if (frame.kind === RelayKind.REFUSED) {
      const reason = frame.payload.length > 0 ? frame.payload.toString('utf8') : undefined;
      const error = new WhohasError(
        'RELAY_REFUSED',
        reason ?? 'the relay has no grant for this transfer',
      );
      if (this.#refused) this.#refused(error);
      else if (this.#clock && !this.#refusal) this.#refuse(error);
    } else if (frame.kind === RelayKind.DATA) {
      this.emit('message', Buffer.from(frame.payload), {
        address: server.address,
        port: server.port,
        size: frame.payload.length,
      });
    }
  }

  #sendBind(): void {
    const { server, transferId, token, side } = this.#binding;
    const frame = encodeRelayFrame({ kind: RelayKind.BIND, transferId, token, side });
    this.#inner.send(frame, server.port, server.address, () => {});
  }

  /** Bound: the keepalive and quiet-spell BINDs start (docs/PROTOCOL.md, "Relay"). */
  #keepAlive(clock: Clock): void {
    if (this.#closed) return;
    this.#clock = clock;
    this.#lastHeard = clock.now();
    this.#lastBind = clock.now();
    this.#schedule();
  }

  #schedule(): void {
    const clock = this.#clock;
    if (!clock || this.#closed || this.#refusal) return;
    const { keepaliveMs, quietMs } = this.#keepalive;
    // The quiet spell counts from the last frame heard or the last BIND, whichever is later.
    const quietAt = Math.max(this.#lastHeard, this.#lastBind) + quietMs;
    const due = Math.min(quietAt, this.#lastBind + keepaliveMs);
    this.#timer = clock.setTimeout(() => this.#tick(), Math.max(0, due - clock.now()));
  }

  #tick(): void {
    const clock = this.#clock!;
    const now = clock.now();
    const { keepaliveMs, quietMs } = this.#keepalive;
    // The deadlines as #schedule computed them, with slack: a timer may fire a rounding early.
    const quiet = Math.max(this.#lastHeard, this.#lastBind) + quietMs <= now + SLACK_MS;
    if (quiet || this.#lastBind + keepaliveMs <= now + SLACK_MS) {
      this.#lastBind = now;
      this.#sendBind();
    }
    this.#schedule();
  }

  #refuse(error: WhohasError): void {
    this.#refusal = error;
    this.#clock?.clearTimeout(this.#timer);
    this.#onRefused?.(error);
  }
}
