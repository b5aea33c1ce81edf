/**
 * TLS streams on node:tls (TlsApi in types.ts): the same StreamSocket as node-net.ts around a
 * TLSSocket, plus the SHA-256 fingerprint of the server's certificate for pinning. No CA check
 * on the client: whohas pins certificates on first use instead.
 */
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import { NodeStreamServer, NodeStreamSocket } from './node-net.ts';
import type { StreamServer, TlsApi, TlsServerOptions, TlsStreamSocket } from './types.ts';

export function createNodeTls(): TlsApi {
  return {
    createServer: (options) => createTlsServer(options),
    connect: (port, host) => connectTls(port, host),
  };
}

function createTlsServer(options: TlsServerOptions): StreamServer {
  const server = tls.createServer({ cert: options.cert, key: options.key, minVersion: 'TLSv1.2' });
  // A client that fails the handshake (netcat on a TLS port) is dropped without a word.
  server.on('tlsClientError', () => {});
  return new NodeStreamServer(server, 'secureConnection', (socket) => {
    socket.setNoDelay(true);
    return new NodeStreamSocket(socket);
  });
}

class NodeTlsSocket extends NodeStreamSocket implements TlsStreamSocket {
  readonly peerFingerprint: string;

  constructor(socket: tls.TLSSocket) {
    super(socket);
    const raw = socket.getPeerCertificate().raw;
    this.peerFingerprint = raw ? createHash('sha256').update(raw).digest('hex') : '';
  }
}

function connectTls(port: number, host: string): Promise<TlsStreamSocket> {
  return new Promise((resolve, reject) => {
    // The certificate is judged by its pinned fingerprint, not by a CA (self-signed servers).
    const socket = tls.connect({ port, host, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const onError = (error: Error) => {
      socket.off('secureConnect', onConnect);
      socket.destroy();
      reject(error);
    };
    const onConnect = () => {
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(new NodeTlsSocket(socket));
    };
    socket.once('error', onError);
    socket.once('secureConnect', onConnect);
  });
}
