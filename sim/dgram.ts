import { systemError, WhohasError } from '../impl/errors.ts';
import { TypedEmitter } from '../impl/platform/emitter.ts';
import type {
  AddressInfo,
  DatagramSocket,
  DatagramSocketEvents,
  DgramApi,
  SystemError,
} from '../impl/platform/types.ts';
import type { SimHost } from './host.ts';
import { datagram, type Packet, UDP_OVERHEAD } from './packet.ts';

/** Linux's default socket receive buffer (net.core.rmem_default). */
const DEFAULT_RECV_BUFFER = 212992;
const LOOPBACK = '127.0.0.1';

export function createSimDgram(host: SimHost): DgramApi {
  return { createSocket: () => new SimDatagramSocket(host) };
}

/**
 * A UDP-like socket on a simulated host. Sending copies the bytes (the caller may reuse its
 * buffer) and hands the datagram to the path; arrival emits 'message'(buf, rinfo). A datagram
 * larger than the path MTU fails with EMSGSIZE. A crash makes the socket vanish silently.
 */
export class SimDatagramSocket
  extends TypedEmitter<DatagramSocketEvents>
  implements DatagramSocket
{
  /** Bytes waiting in the host's receive CPU queue (only with a processing cost). */
  pendingBytes = 0;
  recvBufferSize = DEFAULT_RECV_BUFFER;
  private port = 0;
  private boundAddress = '0.0.0.0';
  private state: 'new' | 'bound' | 'closed' = 'new';
  private readonly epoch: number;
  /** The peer after connect(): -1 while any source may send. */
  private peerPort = -1;
  private peerAddress = '';

  constructor(private readonly host: SimHost) {
    super();
    this.epoch = host.epoch;
  }

  bind(port = 0, address?: string): Promise<AddressInfo> {
    const host = this.host;
    return host.core.settle(() => {
      if (this.state !== 'new') throw systemError('EINVAL', 'bind', 'EINVAL: socket already bound');
      host.checkAlive('bind');
      this.attach(port, address);
      return this.address();
    });
  }

  address(): AddressInfo {
    if (this.state !== 'bound') throw systemError('EBADF', 'getsockname', 'EBADF: not bound');
    return { address: this.boundAddress, port: this.port };
  }

  /**
   * Connects at once (no event, so a run that never connects keeps its trace): from now on only
   * datagrams from `address:port` are delivered, and sends may go only there. Binds if unbound.
   */
  connect(port: number, name: string): Promise<void> {
    const address = name === 'localhost' ? LOOPBACK : name;
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
      return Promise.reject(new WhohasError('BAD_ARGUMENT', `datagram connect: bad port ${port}`));
    }
    if (this.state === 'closed') {
      return Promise.reject(systemError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'connect', 'Not running'));
    }
    if (this.peerPort >= 0) {
      return Promise.reject(
        systemError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'connect', 'Already connected'),
      );
    }
    if (this.state === 'new' && !this.dead()) this.attach(0, undefined);
    this.peerPort = port;
    this.peerAddress = address;
    return Promise.resolve();
  }

  /** Whether an arriving datagram gets through: from anyone, or only the connected peer. */
  accepts(packet: Packet): boolean {
    return (
      this.peerPort < 0 ||
      (packet.srcPort === this.peerPort && packet.srcAddress === this.peerAddress)
    );
  }

  send(
    msg: Uint8Array,
    port: number,
    name: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    const address = name === 'localhost' ? LOOPBACK : name;
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new WhohasError('BAD_ARGUMENT', `datagram send: bad port ${port}`);
    }
    if (this.peerPort >= 0 && (port !== this.peerPort || address !== this.peerAddress)) {
      throw systemError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'send', 'Already connected');
    }
    const host = this.host;
    if (this.state === 'closed') {
      throw systemError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'send', 'Not running');
    }
    if (this.dead()) return;
    if (this.state === 'new') this.attach(0, undefined);
    const target = host.core.hostIndexOf(address, host.index);
    if (target < 0) {
      this.fail(systemError('EHOSTUNREACH', 'send', `EHOSTUNREACH: ${address}`), callback);
      return;
    }
    const path = host.core.carrier(host.index, target);
    if (msg.length + UDP_OVERHEAD > path.config.mtu) {
      this.fail(systemError('EMSGSIZE', 'send', `EMSGSIZE: send ${address}:${port}`), callback);
      return;
    }
    const source = target === host.index && address === LOOPBACK ? LOOPBACK : host.address;
    const payload = Buffer.allocUnsafe(msg.length);
    payload.set(msg);
    path.send(datagram(host, path.to, source, address, this.port, port, payload));
    if (callback !== undefined) host.core.schedule(host.core.now, callback, null);
  }

  setRecvBufferSize(bytes: number): void {
    this.recvBufferSize = bytes;
  }

  setSendBufferSize(_bytes: number): void {
    // Sends never block in the simulator: the path's drop-tail queue is the only buffer.
  }

  close(): Promise<void> {
    const host = this.host;
    if (this.state !== 'closed' && !this.dead()) {
      if (this.state === 'bound') host.udpPorts.delete(this.port);
      this.state = 'closed';
      host.core.schedule(host.core.now, () => this.emit('close'));
    }
    this.state = 'closed';
    return host.core.settle(() => {});
  }

  /** Called by the host for an arriving datagram. */
  deliver(packet: Packet): void {
    this.emit('message', packet.payload, {
      address: packet.srcAddress,
      port: packet.srcPort,
      size: packet.payload.length,
    });
  }

  /** The host crashed: the socket is gone without a word. */
  vanish(): void {
    this.state = 'closed';
  }

  private dead(): boolean {
    return this.epoch !== this.host.epoch;
  }

  private attach(port: number, address: string | undefined): void {
    const host = this.host;
    const chosen = port === 0 ? host.ephemeralPort(host.udpPorts) : port;
    if (host.udpPorts.has(chosen)) {
      throw Object.assign(systemError('EADDRINUSE', 'bind', `EADDRINUSE: bind ${chosen}`), {
        port: chosen,
      });
    }
    host.udpPorts.set(chosen, this);
    this.port = chosen;
    this.boundAddress = address ?? '0.0.0.0';
    this.state = 'bound';
  }

  private fail(error: SystemError, callback?: (error: SystemError | null) => void): void {
    const core = this.host.core;
    if (callback !== undefined) core.schedule(core.now, callback, error);
    else core.schedule(core.now, () => this.emit('error', error));
  }
}
