/**
 * A peer's side of the relay (relay.ts): a DatagramSocket over its transfer socket that binds
 * to the server's relay with the grant's transfer id and token, then wraps every datagram sent
 * into a DATA frame to the server and unwraps the server's DATA frames into 'message' events,
 * as if they came from the server's address. The transfer drivers run over it unchanged.
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

export class RelaySocket extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly #inner: DatagramSocket;
  readonly #binding: RelayBinding;
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.#receive(msg, rinfo);
  readonly #onError = (error: SystemError) => this.emit('error', error);
  #bound: (() => void) | undefined;
  #refused: ((error: WhohasError) => void) | undefined;

  constructor(inner: DatagramSocket, binding: RelayBinding) {
    super();
    this.#inner = inner;
    this.#binding = binding;
    inner.on('message', this.#onMessage);
    inner.on('error', this.#onError);
  }

  /** Binds at the relay, retrying every `intervalMs`; RELAY_REFUSED when refused or unanswered. */
  bindRelay(clock: Clock, attempts = 8, intervalMs = 250): Promise<void> {
    const { server, transferId, token, side } = this.#binding;
    const frame = encodeRelayFrame({ kind: RelayKind.BIND, transferId, token, side });
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
        this.#inner.send(frame, server.port, server.address, () => {});
        timer = clock.setTimeout(attempt, intervalMs);
      };
      attempt();
    });
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
    if (frame.kind === RelayKind.BOUND) this.#bound?.();
    else if (frame.kind === RelayKind.REFUSED) {
      this.#refused?.(new WhohasError('RELAY_REFUSED', 'the relay has no grant for this transfer'));
    } else if (frame.kind === RelayKind.DATA) {
      this.emit('message', Buffer.from(frame.payload), {
        address: server.address,
        port: server.port,
        size: frame.payload.length,
      });
    }
  }
}
