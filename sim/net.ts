import { systemError, WhohasError } from '../impl/errors.ts';
import { TypedEmitter } from '../impl/platform/emitter.ts';
import type {
  AddressInfo,
  NetApi,
  StreamServer,
  StreamServerEvents,
  StreamSocket,
} from '../impl/platform/types.ts';
import type { SimHost } from './host.ts';
import { ACK, type Packet, RST, SYN, TCP, TCP_OVERHEAD } from './packet.ts';
import { SimStreamSocket } from './stream.ts';

/** A SYN nobody answers (crashed host, endless partition) fails with ETIMEDOUT after this. */
export const CONNECT_TIMEOUT_MS = 10_000;
const LOOPBACK = '127.0.0.1';

export function createSimNet(host: SimHost): NetApi {
  return {
    createServer: () => new SimStreamServer(host),
    connect: (port, address) => connect(host, port, address),
  };
}

function connect(host: SimHost, port: number, name: string): Promise<StreamSocket> {
  const address = name === 'localhost' ? LOOPBACK : name;
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new WhohasError('BAD_ARGUMENT', `connect: bad port ${port}`);
  }
  const core = host.core;
  return new Promise((resolve, reject) => {
    core.schedule(core.now, () => {
      const fail = (error: Error) => {
        reject(error);
        core.noteSettled();
      };
      if (host.crashed) return fail(systemError('EHOSTDOWN', 'connect', 'EHOSTDOWN: host crashed'));
      const target = core.hostIndexOf(address, host.index);
      if (target < 0) {
        return fail(systemError('EHOSTUNREACH', 'connect', `EHOSTUNREACH: ${address}:${port}`));
      }
      const local = target === host.index && address === LOOPBACK ? LOOPBACK : host.address;
      const socket = new SimStreamSocket(
        host,
        target,
        local,
        host.reserveStreamPort(),
        address,
        port,
      );
      host.tcpPorts.set(socket.localPort, socket);
      const timer = core.schedule(core.now + CONNECT_TIMEOUT_MS, () => {
        socket.pending = null;
        socket.vanish();
        fail(systemError('ETIMEDOUT', 'connect', `ETIMEDOUT: ${address}:${port}`));
      });
      socket.pending = (error) => {
        core.cancel(timer);
        if (error !== null) return fail(error);
        resolve(socket);
        core.noteSettled();
      };
      socket.handshake(SYN);
    });
  });
}

/** Called by the host for a SYN: accept it on a listener, or refuse it with RST. */
export function acceptSyn(host: SimHost, syn: Packet): void {
  const client = syn.target as SimStreamSocket;
  const listener = host.tcpPorts.get(syn.dstPort);
  if (!(listener instanceof SimStreamServer) || !listener.accepts(syn.dstAddress)) {
    const path = host.core.carrier(host.index, syn.from.index);
    path.send({
      proto: TCP,
      from: host,
      to: syn.from,
      srcAddress: syn.dstAddress,
      dstAddress: syn.srcAddress,
      srcPort: syn.dstPort,
      dstPort: syn.srcPort,
      payload: Buffer.alloc(0),
      wireSize: TCP_OVERHEAD,
      flags: RST | ACK,
      seq: 0,
      ackSeq: syn.seq + 1,
      ack: 0,
      target: client,
    });
    return;
  }
  const server = new SimStreamSocket(
    host,
    syn.from.index,
    syn.dstAddress,
    syn.dstPort,
    syn.srcAddress,
    syn.srcPort,
  );
  server.rcvNext = syn.seq + 1;
  server.peer = client;
  client.peer = server;
  server.open();
  server.handshake(SYN | ACK);
  listener.connection(server);
}

export class SimStreamServer extends TypedEmitter<StreamServerEvents> implements StreamServer {
  private bound: AddressInfo | null = null;
  private readonly epoch: number;

  constructor(private readonly host: SimHost) {
    super();
    this.epoch = host.epoch;
  }

  listen(port: number, address?: string): Promise<AddressInfo> {
    const host = this.host;
    return host.core.settle(() => {
      host.checkAlive('listen');
      if (this.bound !== null) throw systemError('EINVAL', 'listen', 'EINVAL: already listening');
      const chosen = port === 0 ? host.reserveStreamPort() : port;
      if (host.tcpPorts.has(chosen)) {
        throw Object.assign(systemError('EADDRINUSE', 'listen', `EADDRINUSE: ${chosen}`), {
          port: chosen,
        });
      }
      host.tcpPorts.set(chosen, this);
      this.bound = { address: address ?? '0.0.0.0', port: chosen };
      return { ...this.bound };
    });
  }

  address(): AddressInfo | null {
    return this.bound === null ? null : { ...this.bound };
  }

  close(): Promise<void> {
    const host = this.host;
    return host.core.settle(() => {
      const bound = this.bound;
      if (bound !== null && host.tcpPorts.get(bound.port) === this)
        host.tcpPorts.delete(bound.port);
      this.bound = null;
      if (this.epoch === host.epoch) this.emit('close');
    });
  }

  /** A listener on 0.0.0.0 (or ::) takes any destination; one on an address only that address. */
  accepts(dstAddress: string): boolean {
    const bound = this.bound;
    if (bound === null || this.epoch !== this.host.epoch) return false;
    return bound.address === '0.0.0.0' || bound.address === '::' || bound.address === dstAddress;
  }

  connection(socket: SimStreamSocket): void {
    this.emit('connection', socket);
  }
}
