/**
 * What the sender and receiver drivers share: they bind a core (impl/arq/core.ts) to a socket and
 * the clock. Datagrams from anyone but the negotiated peer are counted and dropped; a version 1
 * datagram is answered with UNSUPPORTED_VERSION in its own format; the core's output is drained
 * once per burst of datagrams (Clock.defer), after every timer and after file I/O; exactly one
 * timer is armed, at the earliest of the core's deadline and the driver's own.
 */
import { WhohasError } from '../errors.ts';
import type {
  Clock,
  DatagramSocket,
  RemoteInfo,
  SystemError,
  TimerHandle,
} from '../platform/types.ts';
import { decodePacket, encodeAbortV1, HEADER_BYTES } from './codec.ts';
import type { ArqCore } from './core.ts';
import {
  hangUp,
  ioError,
  isTransientSocketError,
  listen,
  type SocketHandlers,
} from './driver-shared.ts';
import type { TransferStats } from './stats.ts';

/** Bound on service/drain rounds per flush (each round hands the core data it asked for). */
const MAX_ROUNDS = 64;

export abstract class DriverEndpoint<C extends ArqCore> {
  protected readonly clock: Clock;
  protected readonly socket: DatagramSocket;
  protected readonly transferId: number;
  protected core: C | undefined;
  /** Fixed, except that a receiver may be re-pointed before its first send (lockPeerPort). */
  protected peerAddress: string;
  /** -1 while unknown (a receiver before START). */
  protected peerPort: number;
  /** Datagrams the driver dropped before the core saw them (wrong address or port, version 1). */
  protected ignored = 0;
  protected closed = false;
  readonly #handlers: SocketHandlers;
  #timer: TimerHandle | undefined;
  #timerAt = Number.NaN;
  #flushQueued = false;
  /** The peer port the socket was connected to (-1: not connected, sends name the peer). */
  #connectedPort = -1;

  constructor(
    clock: Clock,
    socket: DatagramSocket,
    transferId: number,
    peer: { address: string; port: number },
  ) {
    this.clock = clock;
    this.socket = socket;
    this.transferId = transferId;
    this.peerAddress = peer.address;
    this.peerPort = peer.port;
    this.#handlers = {
      message: this.#onMessage,
      error: this.#onSocketError,
      close: this.#onSocketClose,
    };
    listen(socket, this.#handlers);
  }

  /** Hands the core a datagram from the peer (a subclass may hold some back). */
  protected abstract deliver(msg: Buffer, rinfo: RemoteInfo): void;
  /** The driver's own work around the core (file data in or out); true if it gave the core data. */
  protected abstract service(): boolean;
  /** After each flush: look at the core's status. */
  protected abstract settle(): void;
  /** True while the core's output must wait (a receiver's FIN ACK until the file is committed). */
  protected holdOutput(): boolean {
    return false;
  }
  /** The driver's own deadline (e.g. the end of a linger), or null. */
  protected driverDeadline(): number | null {
    return null;
  }
  /** The driver's own deadline has passed. */
  protected driverTimeout(_now: number): void {}
  /** The socket failed or closed under the transfer. */
  protected abstract lost(error: WhohasError): void;

  /** Whether a datagram from `rinfo` comes from the negotiated peer. */
  protected fromPeer(rinfo: RemoteInfo): boolean {
    return (
      rinfo.address === this.peerAddress && (this.peerPort < 0 || rinfo.port === this.peerPort)
    );
  }

  /** Live statistics: the core's, plus what the driver dropped. */
  protected statsOf(core: C | undefined, blank: TransferStats): TransferStats {
    const stats = core?.stats(this.clock.now()) ?? blank;
    return Object.freeze({ ...stats, ignored: stats.ignored + this.ignored });
  }

  /** Runs a flush at the end of the current burst of events (once, however many ask). */
  protected queueFlush(): void {
    if (this.#flushQueued || this.closed) return;
    this.#flushQueued = true;
    this.clock.defer(this.#deferredFlush);
  }

  /** Driver work, then everything the core has to send, then the timer; then the status. */
  protected flush(): void {
    if (this.closed) return;
    const core = this.core;
    if (core !== undefined) {
      const now = this.clock.now();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const gave = this.service();
        if (this.holdOutput()) break;
        for (let out = core.pollTransmit(now); out !== null; out = core.pollTransmit(now)) {
          this.#send(out);
        }
        if (!gave) break;
      }
    }
    this.settle();
    this.#arm();
  }

  /** Stops everything: timer, socket. */
  protected close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    hangUp(this.socket, this.#handlers);
  }

  #deferredFlush = (): void => {
    this.#flushQueued = false;
    this.flush();
  };

  #send(datagram: Buffer): void {
    if (this.peerPort < 0) return; // nobody to send to yet (nothing was heard from the peer)
    if (this.#connectedPort < 0) this.#connect();
    // Connected to a port the receiver has since locked away from (a spoofer's START came before
    // the announced port): the socket can reach only that one, and nobody is to be answered.
    else if (this.#connectedPort !== this.peerPort) return;
    this.socket.send(datagram, this.peerPort, this.peerAddress);
  }

  /**
   * Each side connects at its first send, once it knows its peer (the sender at START, the
   * receiver at its first ACK): a connected socket skips the address lookup per datagram (700
   * sends per MB at 1428-byte payloads), and the kernel drops datagrams from anyone else before
   * they wake us.
   */
  #connect(): void {
    const socket = this.socket;
    if (socket.connect === undefined) return;
    this.#connectedPort = this.peerPort;
    // Failing to connect only costs speed: sends keep naming the peer.
    socket.connect(this.peerPort, this.peerAddress).catch(() => {});
  }

  #arm(): void {
    if (this.closed) return;
    const coreAt = this.core?.pollTimeout() ?? null;
    const ownAt = this.driverDeadline();
    const at = coreAt === null ? ownAt : ownAt === null ? coreAt : Math.min(coreAt, ownAt);
    if (at === this.#timerAt || (at === null && this.#timer === undefined)) return;
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.NaN;
    if (at === null) return;
    this.#timerAt = at;
    // Exact on the simulator; Node truncates to whole ms, and a timer that fires a fraction
    // early is simply re-armed for the rest (#onTimer checks the deadline).
    this.#timer = this.clock.setTimeout(this.#onTimer, Math.max(0, at - this.clock.now()));
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerAt = Number.NaN;
    if (this.closed) return;
    const now = this.clock.now();
    const coreAt = this.core?.pollTimeout() ?? null;
    if (coreAt !== null && now >= coreAt) this.core!.handleTimeout(now);
    const ownAt = this.driverDeadline();
    if (ownAt !== null && now >= ownAt) this.driverTimeout(now);
    this.flush();
  };

  #onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.closed) return;
    if (!this.fromPeer(rinfo)) {
      this.ignored++;
      return;
    }
    if (msg.length >= HEADER_BYTES && msg[0] === 1) {
      this.#answerOldVersion(msg, rinfo);
      return;
    }
    this.deliver(msg, rinfo);
    this.queueFlush();
  };

  /** An old peer speaks version 1: tell it, in its format, why nothing will happen. */
  #answerOldVersion(msg: Buffer, rinfo: RemoteInfo): void {
    this.ignored++;
    const packet = decodePacket(msg);
    if (packet.kind !== 'invalid' || packet.reason !== 'OLD_VERSION') return;
    this.socket.send(
      encodeAbortV1(packet.transferId ?? 0, 'UNSUPPORTED_VERSION'),
      rinfo.port,
      rinfo.address,
    );
  }

  #onSocketError = (error: SystemError): void => {
    if (this.closed || isTransientSocketError(error)) return;
    this.lost(ioError('datagram socket failed', error));
  };

  #onSocketClose = (): void => {
    if (this.closed) return;
    this.lost(new WhohasError('IO_ERROR', 'the datagram socket closed under the transfer'));
  };
}
