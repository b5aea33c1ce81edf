import { systemError } from '../impl/errors.ts';
import { TypedEmitter } from '../impl/platform/emitter.ts';
import type { StreamSocket, StreamSocketEvents } from '../impl/platform/types.ts';
import type { SimHost } from './host.ts';
import { ACK, FIN, type Packet, PSH, RST, SYN, TCP, TCP_OVERHEAD } from './packet.ts';
import type { Carrier } from './routing.ts';

/** write() returns false once this many bytes wait to be sent (node:net's default). */
export const HIGH_WATER_MARK = 16 * 1024;
/** Bytes a receiver buffers unread before the sender must stop: the advertised window. */
export const RECEIVE_WINDOW = 64 * 1024;
/** Largest segment payload (Ethernet MSS). */
export const MSS = 1460;

const EMPTY = Buffer.alloc(0);

/**
 * One end of a simulated TCP-like connection. Reliable and ordered: segments ride the path's
 * bandwidth and delay but never its datagram faults. Flow control is a byte window: the sender
 * keeps at most RECEIVE_WINDOW unacknowledged bytes in flight, and the receiver acknowledges only
 * what it has handed to 'data' listeners, so a paused (or listener-less) reader makes the
 * sender's writableLength grow. Like node:net without allowHalfOpen, receiving FIN ends our side
 * too; 'close' follows once both FINs are through. A crash of either host resets the connection.
 */
export class SimStreamSocket extends TypedEmitter<StreamSocketEvents> implements StreamSocket {
  /** Set when the connection is made (both ends are linked when the SYN is accepted). */
  peer: SimStreamSocket | null = null;
  established = false;
  /** A client waiting for SYN+ACK (null error) or RST (ECONNREFUSED). */
  pending: ((error: Error | null) => void) | null = null;
  private readonly path: Carrier;
  private readonly epoch: number;
  private readonly sendQueue: Buffer[] = [];
  private sendOffset = 0;
  private queued = 0;
  private inFlight = 0;
  private nextSeq = 0;
  /** The next sequence number expected from the peer (for the header's acknowledgment). */
  rcvNext = 0;
  private needDrain = false;
  private ended = false;
  private finSent = false;
  private readonly recvQueue: Buffer[] = [];
  private finReceived = false;
  private endEmitted = false;
  private paused = false;
  private closed = false;
  private flushScheduled = false;
  /** The keepalive delay asked for with setKeepAlive, if enabled. */
  keepAliveMs: number | undefined;
  private readonly flushFn = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    readonly host: SimHost,
    peerHostIndex: number,
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    super();
    this.epoch = host.epoch;
    this.path = host.core.carrier(host.index, peerHostIndex);
  }

  get writableLength(): number {
    return this.queued;
  }

  get destroyed(): boolean {
    return this.closed;
  }

  write(data: Uint8Array | string): boolean {
    if (this.ended || this.closed) return false;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (bytes.length > 0) {
      this.sendQueue.push(bytes);
      this.queued += bytes.length;
      if (this.established) this.pump();
    }
    const ok = this.queued < HIGH_WATER_MARK;
    if (!ok) this.needDrain = true;
    return ok;
  }

  end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    if (this.established) this.pump();
  }

  destroy(error?: Error): void {
    if (this.closed) return;
    if (this.peer !== null && !(this.finSent && this.finReceived)) this.segment(RST | ACK, EMPTY);
    this.shutdown();
    const core = this.host.core;
    core.schedule(core.now, () => {
      if (error !== undefined) this.emit('error', error as never);
      this.emit('close', error !== undefined);
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.scheduleFlush();
  }

  /** Recorded only: the simulated stream models no keepalive probes (see sim/README.md). */
  setKeepAlive(enable: boolean, initialDelayMs: number): void {
    this.keepAliveMs = enable ? initialDelayMs : undefined;
  }

  /** Handles a segment addressed to this end. */
  onSegment(packet: Packet): void {
    const flags = packet.flags;
    if (this.closed || this.epoch !== this.host.epoch) {
      // A SYN+ACK for a connect that already timed out: refuse it so no half-open end lingers.
      if (flags & SYN && flags & ACK && this.epoch === this.host.epoch) this.segment(RST, EMPTY);
      return;
    }
    this.rcvNext = packet.seq + packet.payload.length + (flags & (SYN | FIN) ? 1 : 0);
    if (!this.established) {
      const pending = this.pending;
      this.pending = null;
      if (pending === null) return;
      if (flags & RST) {
        this.shutdown();
        pending(systemError('ECONNREFUSED', 'connect', 'ECONNREFUSED: connect'));
      } else if (flags & SYN) {
        this.open();
        pending(null);
      }
      return;
    }
    if (flags & RST) {
      this.reset('ECONNRESET', 'read');
      return;
    }
    if (packet.ack > 0) {
      this.inFlight -= packet.ack;
      this.pump();
    }
    if (packet.payload.length > 0) this.recvQueue.push(packet.payload);
    if (flags & FIN) this.finReceived = true;
    if (packet.payload.length > 0 || flags & FIN) this.flush();
  }

  /** The connection is up: from now on queued bytes flow. */
  open(): void {
    this.established = true;
    this.host.streams.add(this);
    this.pump();
  }

  /** Sends SYN (client) or SYN+ACK (server). */
  handshake(flags: number): void {
    this.segment(flags, EMPTY);
  }

  /** The connection was refused or reset: report it the way node:net does. */
  reset(code: string, syscall: string): void {
    this.shutdown();
    this.emit('error', systemError(code, syscall, `${code}: ${syscall}`));
    this.emit('close', true);
  }

  /** Our host crashed: tell the peer (RST after the path delay) and go quiet. */
  vanish(): void {
    if (this.closed) return;
    if (this.peer !== null && this.established) this.segment(RST | ACK, EMPTY);
    this.shutdown();
  }

  protected override onFirstListener(event: keyof StreamSocketEvents & string): void {
    if (event === 'data') this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    const core = this.host.core;
    core.schedule(core.now, this.flushFn);
  }

  private flush(): void {
    let consumed = 0;
    const queue = this.recvQueue;
    while (queue.length > 0 && !this.paused && !this.closed && this.listenerCount('data') > 0) {
      const chunk = queue.shift() as Buffer;
      consumed += chunk.length;
      this.emit('data', chunk);
    }
    if (this.closed) return;
    if (consumed > 0) this.segment(ACK, EMPTY, consumed);
    if (this.finReceived && queue.length === 0 && !this.paused && !this.endEmitted) {
      this.endEmitted = true;
      this.emit('end');
      this.end();
      this.maybeClose();
    }
  }

  private pump(): void {
    if (this.closed) return;
    const queue = this.sendQueue;
    while (queue.length > 0 && this.inFlight < RECEIVE_WINDOW) {
      const head = queue[0];
      const n = Math.min(MSS, RECEIVE_WINDOW - this.inFlight, head.length - this.sendOffset);
      const chunk = head.subarray(this.sendOffset, this.sendOffset + n);
      this.sendOffset += n;
      if (this.sendOffset === head.length) {
        queue.shift();
        this.sendOffset = 0;
      }
      this.queued -= n;
      this.inFlight += n;
      this.segment(PSH | ACK, chunk);
    }
    if (this.queued > 0) return;
    if (this.needDrain) {
      this.needDrain = false;
      const core = this.host.core;
      core.schedule(core.now, () => {
        if (!this.closed) this.emit('drain');
      });
    }
    if (this.ended && !this.finSent) {
      this.finSent = true;
      this.segment(FIN | ACK, EMPTY);
      this.maybeClose();
    }
  }

  private maybeClose(): void {
    if (!this.finSent || !this.endEmitted || this.closed) return;
    this.shutdown();
    const core = this.host.core;
    core.schedule(core.now, () => this.emit('close', false));
  }

  private shutdown(): void {
    this.closed = true;
    this.sendQueue.length = 0;
    this.recvQueue.length = 0;
    this.queued = 0;
    this.host.streams.delete(this);
    this.host.releaseStreamPort(this);
  }

  private segment(flags: number, payload: Buffer, ack = 0): void {
    const path = this.path;
    path.send({
      proto: TCP,
      from: this.host,
      to: path.to,
      srcAddress: this.localAddress,
      dstAddress: this.remoteAddress,
      srcPort: this.localPort,
      dstPort: this.remotePort,
      payload,
      wireSize: payload.length + TCP_OVERHEAD,
      flags,
      seq: this.nextSeq,
      ackSeq: this.rcvNext,
      ack,
      target: flags & SYN && !(flags & ACK) ? this : this.peer,
    });
    this.nextSeq += payload.length + (flags & (SYN | FIN) ? 1 : 0);
  }
}
