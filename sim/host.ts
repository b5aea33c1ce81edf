import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { systemError } from '../impl/errors.ts';
import type { Clock, DirEntry, Platform, TimerHandle } from '../impl/platform/types.ts';
import type { SimCore } from './core.ts';
import { createSimDgram, type SimDatagramSocket } from './dgram.ts';
import type { SimEvent } from './event-queue.ts';
import { createSimFileSystem } from './fs.ts';
import { contents, type FileNode, MemoryTree, type StreamedWrites } from './memfs.ts';
import type { SimNat } from './nat.ts';
import { acceptSyn, createSimNet, type SimStreamServer } from './net.ts';
import { type Packet, type PacketSink, SYN, UDP } from './packet.ts';
import type { SeededRandom } from './random.ts';
import type { SimStreamSocket } from './stream.ts';
import { SyntheticSource, type SyntheticSpec } from './synthetic.ts';

export interface HostOptions {
  /** IPv4 address; by default 10.0.0.N in order of creation. */
  address?: string;
  /**
   * Receive CPU cost per packet, virtual ms. Arrivals queue for the host's one CPU; datagrams
   * beyond a socket's receive buffer are dropped ('rcvbuf'), as with a slow real host.
   */
  processingCostMs?: number;
  /**
   * What files written through a FileWriter (downloads) keep: 'memory' (default) their bytes,
   * 'digest-only' their size and running SHA-256 (see HostFiles.digest).
   */
  files?: StreamedWrites;
  /** Puts the host on this NAT's private network (Simulator.addHost gives it 192.168.N.x). */
  behind?: SimNat;
}

const FIRST_EPHEMERAL = 49152;

interface Timer {
  callback: () => void;
  event: SimEvent | null;
}

/**
 * A simulated machine: an address, port tables, its own Platform (kind 'sim'), an in-memory file
 * store that survives crashes, and a random stream forked from the simulator seed and its name.
 */
export class SimHost implements PacketSink {
  /** Hosts never forward packets in transit (routers do). */
  readonly forwards = false;
  readonly platform: Platform;
  /** Synchronous file helpers for fixtures and checks (same store as platform.fs). */
  readonly files: HostFiles;
  /** Bumped by crash(): sockets, servers and timers of an older epoch are dead. */
  epoch = 0;
  crashed = false;
  processingCostMs: number;
  /** The NAT this host sits behind, or null on the public side. */
  readonly behind: SimNat | null;
  readonly udpPorts = new Map<number, SimDatagramSocket>();
  readonly tcpPorts = new Map<number, SimStreamServer | SimStreamSocket>();
  readonly streams = new Set<SimStreamSocket>();
  private readonly timers = new Set<Timer>();
  private nextPort = FIRST_EPHEMERAL;
  private cpuBusyUntil = 0;
  private readonly dispatchQueued = (packet: Packet) => {
    if (packet.proto === UDP) {
      const socket = packet.target as SimDatagramSocket | null;
      if (socket !== null) socket.pendingBytes -= packet.wireSize;
      // A queued datagram belongs to the socket it found on arrival: if that socket is gone
      // (closed, or vanished in a crash, even one followed by a restart), so is the datagram.
      if (!this.crashed && this.udpPorts.get(packet.dstPort) !== socket) {
        this.core.trace.record(this.core.now, 'dropped', packet, 'no-socket');
        return;
      }
    }
    this.dispatch(packet);
  };
  private readonly fireTimer = (timer: Timer) => {
    this.timers.delete(timer);
    timer.callback();
  };

  constructor(
    readonly core: SimCore,
    readonly index: number,
    readonly name: string,
    readonly address: string,
    random: SeededRandom,
    options: HostOptions,
  ) {
    this.processingCostMs = options.processingCostMs ?? 0;
    this.behind = options.behind ?? null;
    const tree = new MemoryTree();
    tree.streamedWrites = options.files ?? 'memory';
    this.files = new HostFiles(tree);
    this.platform = {
      kind: 'sim',
      net: createSimNet(this),
      dgram: createSimDgram(this),
      clock: this.createClock(),
      fs: createSimFileSystem(core, tree, () => this.epoch),
      random,
    };
  }

  /** The process dies: every socket vanishes (stream peers get ECONNRESET), timers stop. */
  crash(): void {
    if (this.crashed) return;
    this.crashed = true;
    this.epoch++;
    for (const stream of [...this.streams]) stream.vanish();
    for (const socket of this.udpPorts.values()) socket.vanish();
    this.udpPorts.clear();
    this.tcpPorts.clear();
    this.streams.clear();
    for (const timer of this.timers) if (timer.event !== null) this.core.cancel(timer.event);
    this.timers.clear();
  }

  /** Back up with the same files and address, no sockets, no timers. */
  restart(): void {
    this.crashed = false;
  }

  checkAlive(syscall: string): void {
    if (this.crashed) throw systemError('EHOSTDOWN', syscall, `EHOSTDOWN: ${this.name} is down`);
  }

  /** The next free ephemeral port in `table` (deterministic: counts up, wraps). */
  ephemeralPort(table: Map<number, unknown>): number {
    for (let tries = 0; tries < 65536 - FIRST_EPHEMERAL; tries++) {
      const port = this.nextPort;
      this.nextPort = port === 65535 ? FIRST_EPHEMERAL : port + 1;
      if (!table.has(port)) return port;
    }
    throw systemError('EADDRINUSE', 'bind', 'EADDRINUSE: no free ephemeral port');
  }

  reserveStreamPort(): number {
    return this.ephemeralPort(this.tcpPorts);
  }

  releaseStreamPort(socket: SimStreamSocket): void {
    if (this.tcpPorts.get(socket.localPort) === socket) this.tcpPorts.delete(socket.localPort);
  }

  /** A packet arrived from a path. */
  receive(packet: Packet): void {
    const trace = this.core.trace;
    if (this.crashed) {
      trace.record(this.core.now, 'dropped', packet, 'host-down');
      return;
    }
    if (this.processingCostMs > 0) {
      let socket: SimDatagramSocket | null = null;
      if (packet.proto === UDP) {
        socket = this.udpPorts.get(packet.dstPort) ?? null;
        if (socket !== null && socket.pendingBytes + packet.wireSize > socket.recvBufferSize) {
          trace.record(this.core.now, 'dropped', packet, 'rcvbuf');
          return;
        }
        if (socket !== null) socket.pendingBytes += packet.wireSize;
        packet.target = socket;
      }
      const now = this.core.now;
      const start = Math.max(this.cpuBusyUntil, now);
      this.cpuBusyUntil = start + this.processingCostMs;
      this.core.schedule(this.cpuBusyUntil, this.dispatchQueued, packet);
      return;
    }
    this.dispatch(packet);
  }

  private dispatch(packet: Packet): void {
    const core = this.core;
    if (this.crashed) {
      core.trace.record(core.now, 'dropped', packet, 'host-down');
      return;
    }
    if (packet.proto === UDP) {
      const socket = this.udpPorts.get(packet.dstPort);
      if (socket === undefined) {
        core.trace.record(core.now, 'dropped', packet, 'no-socket');
        return;
      }
      if (!socket.accepts(packet)) {
        core.trace.record(core.now, 'dropped', packet, 'not-connected');
        return;
      }
      core.trace.record(core.now, 'delivered', packet);
      socket.deliver(packet);
      return;
    }
    core.trace.record(core.now, 'delivered', packet);
    if (packet.flags === SYN) acceptSyn(this, packet);
    else (packet.target as SimStreamSocket | null)?.onSegment(packet);
  }

  private createClock(): Clock {
    const core = this.core;
    const setTimer = (callback: () => void, ms: number): TimerHandle => {
      const timer: Timer = { callback, event: null };
      if (!this.crashed) {
        const delay = Math.max(ms, 0);
        timer.event = core.schedule(core.now + delay, this.fireTimer, timer);
        this.timers.add(timer);
      }
      return timer as unknown as TimerHandle;
    };
    return {
      now: () => core.now,
      setTimeout: setTimer,
      // A zero-delay timer: the queue orders ties by insertion, so it runs after every event
      // already queued for this instant, and a crash drops it with the other timers.
      defer: (callback) => {
        setTimer(callback, 0);
      },
      clearTimeout: (handle) => {
        const timer = handle as unknown as Timer | undefined;
        if (timer !== undefined && this.timers.delete(timer) && timer.event !== null) {
          core.cancel(timer.event);
        }
      },
    };
  }
}

/** Synchronous fixture helpers over a host's file store; parents are created as needed. */
export class HostFiles {
  constructor(private readonly tree: MemoryTree) {}

  write(path: string, data: Uint8Array | string): void {
    this.tree.mkdir(posix.dirname(posix.resolve('/', path)));
    this.tree.writeFile(path, typeof data === 'string' ? Buffer.from(data) : data);
  }

  read(path: string): Buffer {
    return Buffer.from(this.tree.readFile(path));
  }

  /**
   * A file of `size` bytes generated on read from (seed, name, offset) (sim/synthetic.ts): it
   * costs no memory at any size. `name` defaults to the file's base name.
   */
  synthetic(path: string, spec: Omit<SyntheticSpec, 'name'> & { name?: string }): void {
    const absolute = posix.resolve('/', path);
    this.tree.mkdir(posix.dirname(absolute));
    const name = spec.name ?? posix.basename(absolute);
    this.tree.writeSynthetic(path, new SyntheticSource({ ...spec, name }));
  }

  /**
   * Size and SHA-256 (hex) of a regular file: a digest-only copy's running hash, a synthetic
   * file's generator hash, or the hash of the bytes held.
   */
  digest(path: string): { size: number; sha256: string } {
    const file = this.tree.regularFile(path, 'open') as FileNode;
    if (file.digest !== undefined) return { size: file.size, sha256: file.digest.sha256() };
    if (file.synthetic !== undefined) return { size: file.size, sha256: file.synthetic.sha256() };
    return {
      size: file.size,
      sha256: createHash('sha256').update(contents(file, path)).digest('hex'),
    };
  }

  /** What files written from now on through a FileWriter keep (HostOptions.files). */
  set streamedWrites(mode: StreamedWrites) {
    this.tree.streamedWrites = mode;
  }

  get streamedWrites(): StreamedWrites {
    return this.tree.streamedWrites;
  }

  mkdir(path: string): void {
    this.tree.mkdir(path);
  }

  /** Makes `path` a symbolic link to `target` (which may point anywhere, even outside). */
  symlink(target: string, path: string): void {
    this.tree.mkdir(posix.dirname(posix.resolve('/', path)));
    this.tree.symlink(target, path);
  }

  exists(path: string): boolean {
    try {
      this.tree.lookup(path, 'stat', false);
      return true;
    } catch {
      return false;
    }
  }

  list(dir: string): DirEntry[] {
    return this.tree.list(dir);
  }

  remove(path: string): void {
    this.tree.remove(path);
  }
}
