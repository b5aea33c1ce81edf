import * as dgram from 'node:dgram';
import { systemError } from '../errors.ts';
import { TypedEmitter } from './emitter.ts';
import { NativeBatchSender } from './native-batch.ts';
import { loadNativeUdp, type NativeUdp, nativeGsoWanted, socketFd } from './native-udp.ts';
import type {
  AddressInfo,
  DatagramSocket,
  DatagramSocketEvents,
  DgramApi,
  SystemError,
} from './types.ts';

/**
 * IPv4 (default) or IPv6 datagram sockets on node:dgram; with `sendBatch` when the native addon
 * is there (pass `null` to do without it, or the addon to insist on it).
 */
export function createNodeDgram(
  native: NativeUdp | null = loadNativeUdp() ?? null,
  gso = nativeGsoWanted(),
): DgramApi {
  return {
    createSocket: (type = 'udp4') =>
      new NodeDatagramSocket(
        type,
        native === null ? undefined : new NativeBatchSender(native, gso),
      ),
  };
}

class NodeDatagramSocket extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly #socket: dgram.Socket;
  #closed = false;
  #closing: Promise<void> | undefined;
  // node:dgram refuses buffer sizes before bind; we remember them and apply them on bind
  // (explicit, or the implicit bind of a first send).
  #recvBufferSize: number | undefined;
  #sendBufferSize: number | undefined;
  // While bind() is pending its failure belongs to the returned promise, not to 'error'.
  #binding = false;
  // Once connected, node:dgram refuses an address on send: sends to the peer go without one.
  #peerPort = -1;
  #peerAddress = '';
  // Sends to the peer while connect() is under way (see connect).
  #held: [Uint8Array, ((error: SystemError | null) => void) | undefined][] | undefined;
  #heldPort = -1;
  #heldAddress = '';
  /** Datagrams handed to node:dgram after the kernel said EAGAIN/ENOBUFS, not yet out. */
  #queued = 0;
  /** With the native addon (impl/platform/native-udp.ts): several datagrams per system call. */
  readonly sendBatch?: (msgs: readonly Uint8Array[], port: number, address: string) => void;

  constructor(type: 'udp4' | 'udp6', batch: NativeBatchSender | undefined) {
    super();
    this.#socket = dgram.createSocket(type);
    if (batch !== undefined) {
      this.sendBatch = (msgs, port, address) => this.#sendBatch(batch, msgs, port, address);
    }
    this.#socket.on('listening', () => this.#applyBufferSizes());
    this.#socket.on('message', (msg, rinfo) =>
      this.emit('message', msg, { address: rinfo.address, port: rinfo.port, size: rinfo.size }),
    );
    this.#socket.on('error', (error: SystemError) => {
      if (!this.#binding) this.emit('error', error);
    });
    this.#socket.on('close', () => {
      this.#closed = true;
      this.emit('close');
    });
  }

  bind(port = 0, address?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.#binding = false;
        this.#socket.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        this.#binding = false;
        this.#socket.off('error', onError);
        resolve(this.address());
      };
      this.#binding = true;
      this.#socket.once('error', onError);
      this.#socket.once('listening', onListening);
      try {
        this.#socket.bind(port, address);
      } catch (error) {
        // Misuse (already bound, closed) throws in node:dgram; here it rejects the promise.
        this.#binding = false;
        this.#socket.off('error', onError);
        this.#socket.off('listening', onListening);
        throw error;
      }
    });
  }

  address(): AddressInfo {
    const { address, port } = this.#socket.address();
    return { address, port };
  }

  connect(port: number, address: string): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.#socket.connect(port, address, (error?: Error) => {
          if (error) {
            // Refused (an IPv6 socket and an IPv4 address: EINVAL): still unconnected, and the
            // sends held meanwhile report the refusal instead of throwing from this callback.
            const held = this.#held ?? [];
            this.#held = undefined;
            for (const [, callback] of held) callback?.(error as SystemError);
            reject(error);
            return;
          }
          this.#peerPort = port;
          this.#peerAddress = address;
          const held = this.#held ?? [];
          this.#held = undefined;
          for (const [msg, callback] of held) this.#sendConnected(msg, port, address, callback);
          resolve();
        });
      } catch (error) {
        reject(error); // already connected, closed, bad port
        return;
      }
      // Until the kernel has connected, sends to the peer wait here: node:dgram looks an address
      // up asynchronously, and one whose lookup ends after the connect is refused by libuv
      // (EISCONN), silently without a callback: a lost datagram.
      this.#held = [];
      this.#heldPort = port;
      this.#heldAddress = address;
    });
  }

  send(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    if (this.#peerPort >= 0) this.#sendConnected(msg, port, address, callback);
    else if (this.#held !== undefined) this.#hold(msg, port, address, callback);
    else if (callback === undefined) this.#socket.send(msg, port, address);
    else this.#socket.send(msg, port, address, (error) => callback(error as SystemError | null));
  }

  #hold(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    if (port !== this.#heldPort || address !== this.#heldAddress) {
      throw systemError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'send', 'Already connecting');
    }
    this.#held!.push([msg, callback]);
  }

  /** To the connected peer without an address: no DNS lookup and no nextTick per datagram. */
  #sendConnected(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    if (port !== this.#peerPort || address !== this.#peerAddress) {
      throw systemError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'send', 'Already connected');
    }
    if (callback === undefined) this.#socket.send(msg);
    else this.#socket.send(msg, (error) => callback(error as SystemError | null));
  }

  /**
   * To the connected peer with sendmmsg(2) or UDP GSO: one system call (and one call into C++)
   * for the whole batch instead of one each. Before the socket is connected, or while datagrams
   * the kernel refused earlier still wait in node:dgram's queue (they must go first), it is a
   * loop of send().
   */
  #sendBatch(batch: NativeBatchSender, msgs: readonly Uint8Array[], port: number, address: string) {
    const fd = this.#peerPort < 0 || this.#queued > 0 ? undefined : socketFd(this.#socket);
    if (fd === undefined) {
      for (const msg of msgs) this.send(msg, port, address);
      return;
    }
    if (port !== this.#peerPort || address !== this.#peerAddress) {
      throw systemError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'send', 'Already connected');
    }
    // A datagram that fails is reported as node:dgram reports a failed send without a
    // callback: on 'error', after this tick.
    const failed = (code: string) => {
      const error = systemError(code, 'send');
      process.nextTick(() => this.emit('error', error));
    };
    // The socket buffer is full: node:dgram keeps the rest and sends it when it can.
    for (let next = batch.send(fd, msgs, failed); next < msgs.length; next++) {
      this.#sendQueued(msgs[next]);
    }
  }

  #sendQueued(msg: Uint8Array): void {
    this.#queued++;
    this.#socket.send(msg, (error) => {
      this.#queued--;
      if (error) this.emit('error', error as SystemError);
    });
  }

  setRecvBufferSize(bytes: number): void {
    this.#recvBufferSize = bytes;
    if (this.#isBound()) this.#socket.setRecvBufferSize(bytes);
  }

  setSendBufferSize(bytes: number): void {
    this.#sendBufferSize = bytes;
    if (this.#isBound()) this.#socket.setSendBufferSize(bytes);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing ??= new Promise((resolve) => this.#socket.close(() => resolve()));
    return this.#closing;
  }

  #isBound(): boolean {
    if (this.#closed || this.#closing !== undefined) return false;
    try {
      this.#socket.address();
      return true;
    } catch {
      return false;
    }
  }

  #applyBufferSizes(): void {
    if (this.#recvBufferSize !== undefined) this.#socket.setRecvBufferSize(this.#recvBufferSize);
    if (this.#sendBufferSize !== undefined) this.#socket.setSendBufferSize(this.#sendBufferSize);
  }
}
