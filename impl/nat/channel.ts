/**
 * The transfer driver's view of a transfer socket that also carries NAT traffic (docs/PROTOCOL.md,
 * "NAT traversal"): probes and keepalives (punch.ts), STUN answers and relay frames share the
 * socket with the transfer, and the driver must see none of them. Direct, the channel forwards
 * every other datagram and passes `connect` through (the drivers' connected-socket speedup stays);
 * once `via(relay)` is called it carries the transfer over the RelaySocket instead. Closing the
 * channel closes the relay, stops the punch's keepalives (`onClose`) and closes the socket.
 */
import { TypedEmitter } from '../platform/emitter.ts';
import type {
  AddressInfo,
  DatagramSocket,
  DatagramSocketEvents,
  RemoteInfo,
  SystemError,
} from '../platform/types.ts';
import { isProbe } from './punch.ts';

const RELAY_MAGIC = 0xf1;

export interface ChannelStats {
  /** Probes, STUN and relay bytes kept from the driver. */
  filtered: number;
  /** Datagrams handed to the driver. */
  passed: number;
}

export class TransferChannel extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly stats: ChannelStats = { filtered: 0, passed: 0 };
  readonly #raw: DatagramSocket;
  /** The chat server's UDP endpoint (STUN, relay): nothing from it is the peer's transfer. */
  readonly #server: { address: string; port: number };
  readonly #onClose: Array<() => void> = [];
  #relay: DatagramSocket | undefined;
  #closed = false;
  readonly #onRaw = (msg: Buffer, rinfo: RemoteInfo) => {
    if (this.#relay) return;
    const control =
      isProbe(msg) ||
      msg[0] === RELAY_MAGIC ||
      (rinfo.address === this.#server.address && rinfo.port === this.#server.port);
    if (control) this.stats.filtered++;
    else {
      this.stats.passed++;
      this.emit('message', msg, rinfo);
    }
  };
  readonly #onRelay = (msg: Buffer, rinfo: RemoteInfo) => this.emit('message', msg, rinfo);
  /** Before the driver listens (STUN, punching), a socket error is not worth a crash. */
  readonly #onError = (error: SystemError) => {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  };

  constructor(raw: DatagramSocket, server: { address: string; port: number }) {
    super();
    this.#raw = raw;
    this.#server = server;
    raw.on('message', this.#onRaw);
    raw.on('error', this.#onError);
  }

  /** The socket underneath, for STUN, punching and binding the relay. */
  get raw(): DatagramSocket {
    return this.#raw;
  }

  get relayed(): boolean {
    return this.#relay !== undefined;
  }

  /** From now on the transfer goes through `relay` (a RelaySocket over the raw socket). */
  via(relay: DatagramSocket): void {
    this.#relay = relay;
    relay.on('message', this.#onRelay);
  }

  /** Runs once when the channel closes (the punch's keepalives stop with the transfer). */
  onClose(action: () => void): void {
    if (this.#closed) action();
    else this.#onClose.push(action);
  }

  bind(port?: number, address?: string): Promise<AddressInfo> {
    return this.#raw.bind(port, address);
  }

  address(): AddressInfo {
    return this.#raw.address();
  }

  send(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    (this.#relay ?? this.#raw).send(msg, port, address, callback);
  }

  /** Direct: connects the socket. Relayed: every send goes to the relay anyway. */
  connect(port: number, address: string): Promise<void> {
    if (this.#relay || this.#raw.connect === undefined) return Promise.resolve();
    return this.#raw.connect(port, address);
  }

  setRecvBufferSize(bytes: number): void {
    this.#raw.setRecvBufferSize(bytes);
  }

  setSendBufferSize(bytes: number): void {
    this.#raw.setSendBufferSize(bytes);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const action of this.#onClose.splice(0)) action();
    this.#raw.off('message', this.#onRaw);
    this.#raw.off('error', this.#onError);
    await this.#relay?.close();
    await this.#raw.close();
    this.emit('close');
  }
}
