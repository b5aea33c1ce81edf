import * as net from 'node:net';
import { systemError } from '../errors.ts';
import { TypedEmitter } from './emitter.ts';
import type {
  AddressInfo,
  NetApi,
  StreamServer,
  StreamServerEvents,
  StreamSocket,
  StreamSocketEvents,
  SystemError,
} from './types.ts';

/** Stream sockets and servers on node:net, forwarding its events unchanged. */
export function createNodeNet(): NetApi {
  return {
    createServer: () => new NodeStreamServer(),
    connect: (port, host) => connectStream(port, host),
  };
}

function connectStream(port: number, host: string): Promise<StreamSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, noDelay: true });
    const onError = (error: Error) => {
      socket.off('connect', onConnect);
      reject(error);
    };
    const onConnect = () => {
      socket.off('error', onError);
      resolve(new NodeStreamSocket(socket));
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

export class NodeStreamSocket extends TypedEmitter<StreamSocketEvents> implements StreamSocket {
  readonly #socket: net.Socket;
  // Node forgets the peer's address once the socket is destroyed; callers may log it later.
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  constructor(socket: net.Socket) {
    super();
    this.#socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    socket.on('drain', () => this.emit('drain'));
    socket.on('end', () => this.emit('end'));
    socket.on('error', (error: SystemError) => this.emit('error', error));
    socket.on('close', (hadError: boolean) => this.emit('close', hadError));
  }

  // Like node:net, bytes start flowing only once someone listens for 'data'.
  protected override onFirstListener(event: keyof StreamSocketEvents & string): void {
    if (event === 'data' && this.#socket.listenerCount('data') === 0) {
      this.#socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
    }
  }

  get writableLength(): number {
    return this.#socket.writableLength;
  }

  get destroyed(): boolean {
    return this.#socket.destroyed;
  }

  write(data: Uint8Array | string): boolean {
    // node:net reports a write after end as an error; the Platform contract makes it a no-op.
    if (this.#socket.writableEnded || this.#socket.destroyed) return false;
    return this.#socket.write(data);
  }

  end(): void {
    this.#socket.end();
  }

  destroy(error?: Error): void {
    this.#socket.destroy(error);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  setKeepAlive(enable: boolean, initialDelayMs: number): void {
    this.#socket.setKeepAlive(enable, initialDelayMs);
  }
}

export class NodeStreamServer extends TypedEmitter<StreamServerEvents> implements StreamServer {
  readonly #server: net.Server;
  // While listen() is pending its failure belongs to the returned promise, not to 'error'.
  #listening: Promise<AddressInfo> | undefined;

  /**
   * No Nagle delay: chat lines are small and latency matters more than packet count. A TLS
   * server (node-tls.ts) passes its tls.Server and the event of a finished handshake.
   */
  constructor(
    server: net.Server = net.createServer({ noDelay: true }),
    accepted: 'connection' | 'secureConnection' = 'connection',
    wrap: (socket: net.Socket) => StreamSocket = (socket) => new NodeStreamSocket(socket),
  ) {
    super();
    this.#server = server;
    this.#server.on(accepted, (socket: net.Socket) => this.emit('connection', wrap(socket)));
    this.#server.on('error', (error: SystemError) => {
      if (this.#listening === undefined) this.emit('error', error);
    });
    this.#server.on('close', () => this.emit('close'));
  }

  listen(port: number, host = '0.0.0.0'): Promise<AddressInfo> {
    if (this.#listening !== undefined || this.#server.listening) {
      return Promise.reject(systemError('EINVAL', 'listen', 'listen EINVAL: already listening'));
    }
    this.#listening = new Promise<AddressInfo>((resolve, reject) => {
      const onError = (error: Error) => {
        this.#server.off('listening', onListening);
        this.#listening = undefined;
        reject(error);
      };
      const onListening = () => {
        this.#server.off('error', onError);
        this.#listening = undefined;
        resolve(this.address()!);
      };
      this.#server.once('error', onError);
      this.#server.once('listening', onListening);
      this.#server.listen(port, host);
    });
    return this.#listening;
  }

  address(): AddressInfo | null {
    const info = this.#server.address();
    if (info === null || typeof info === 'string') return null;
    return { address: info.address, port: info.port };
  }

  close(): Promise<void> {
    // net.Server's own 'close' waits for every accepted socket to end, but the contract leaves
    // those sockets alone. libuv releases the listening port synchronously inside close(), so
    // the server is closed for new connections by the time this resolves.
    if (this.#server.listening) this.#server.close(() => {});
    return Promise.resolve();
  }
}
