/**
 * Watches a server's stream sockets from the outside: it hands the server a Platform whose
 * accepted sockets report their write buffer after every write, so "buffers stay bounded" is
 * measured, not taken on trust, without the server exposing its internals.
 */
import type {
  NetApi,
  Platform,
  StreamServer,
  StreamServerEvents,
  StreamSocket,
} from '../impl/platform/types.ts';

export class OutboxMeter {
  readonly platform: Platform;
  /** The largest writableLength any accepted socket reached right after a write. */
  maxWritableLength = 0;
  /** Accepted sockets not yet closed. */
  open = 0;

  constructor(inner: Platform) {
    const net: NetApi = {
      createServer: () => this.meterServer(inner.net.createServer()),
      connect: (port, host) => inner.net.connect(port, host),
    };
    this.platform = { ...inner, kind: inner.kind, net };
  }

  private meterServer(server: StreamServer): StreamServer {
    const meter = this;
    const wrapped: StreamServer = {
      on(event, listener) {
        if (event === 'connection') {
          const onConnection = listener as StreamServerEvents['connection'];
          server.on('connection', (socket) => onConnection(meter.meterSocket(socket)));
        } else {
          server.on(event, listener);
        }
        return wrapped;
      },
      once(event, listener) {
        server.once(event, listener);
        return wrapped;
      },
      off(event, listener) {
        server.off(event, listener);
        return wrapped;
      },
      listen: (port, host) => server.listen(port, host),
      address: () => server.address(),
      close: () => server.close(),
    };
    return wrapped;
  }

  private meterSocket(socket: StreamSocket): StreamSocket {
    this.open++;
    socket.once('close', () => this.open--);
    const write = socket.write.bind(socket);
    socket.write = (data) => {
      const accepted = write(data);
      if (socket.writableLength > this.maxWritableLength) {
        this.maxWritableLength = socket.writableLength;
      }
      return accepted;
    };
    return socket;
  }
}
