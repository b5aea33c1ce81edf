/**
 * The one interface between whohas and the outside world.
 *
 * Everything in impl/ (server, peer, Go-Back-N) talks to sockets, clock, files and randomness
 * only through a Platform handed to it. Two implementations exist: the real one on Node
 * (impl/platform/node.ts) and the simulator's (sim/). Names and events mirror node:net and
 * node:dgram so the real adapter stays thin.
 */
import type { FileUpdater } from './file-updater.ts';

export type { FileUpdater };

/** A Node-style system error: `code` is ECONNREFUSED, EADDRINUSE, ECONNRESET, EMSGSIZE, EEXIST... */
export interface SystemError extends Error {
  code: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** Listener maps keep event payloads typed on both implementations. */
// biome-ignore lint/suspicious/noExplicitAny: listener signatures vary per event
export type Listeners = Record<string, (...args: any[]) => void>;

export interface Emitter<E extends Listeners> {
  on<K extends keyof E & string>(event: K, listener: E[K]): this;
  once<K extends keyof E & string>(event: K, listener: E[K]): this;
  off<K extends keyof E & string>(event: K, listener: E[K]): this;
}

export interface AddressInfo {
  address: string;
  port: number;
}

export interface RemoteInfo {
  address: string;
  port: number;
  size: number;
}

// ---------------------------------------------------------------- stream sockets (TCP-like)

export interface StreamSocketEvents extends Listeners {
  /** Bytes in arrival order; chunk boundaries are arbitrary. */
  data: (chunk: Buffer) => void;
  /** The write buffer fell to zero after write() returned false. */
  drain: () => void;
  /** The peer ended its side; no more 'data'. */
  end: () => void;
  error: (error: SystemError) => void;
  /** Always the last event. `hadError` mirrors node:net. */
  close: (hadError: boolean) => void;
}

export interface StreamSocket extends Emitter<StreamSocketEvents> {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Bytes accepted by write() and not yet handed to the network. */
  readonly writableLength: number;
  readonly destroyed: boolean;
  /**
   * Queue bytes for sending. Returns false once writableLength is past the high-water mark:
   * the producer should wait for 'drain'. Writing after end() or destroy() is a no-op.
   */
  write(data: Uint8Array | string): boolean;
  /** Flush what is queued, then close our side (FIN). */
  end(): void;
  /** Close at once, discarding queued bytes (RST). */
  destroy(error?: Error): void;
  /** Stop emitting 'data'; the peer's writes then back up into its writableLength. */
  pause(): void;
  resume(): void;
  /**
   * TCP keepalive: after `initialDelayMs` of silence the system probes the peer and resets a
   * connection whose peer vanished. As node:net's setKeepAlive; the simulator records it only.
   */
  setKeepAlive(enable: boolean, initialDelayMs: number): void;
}

export interface StreamServerEvents extends Listeners {
  connection: (socket: StreamSocket) => void;
  error: (error: SystemError) => void;
  close: () => void;
}

export interface StreamServer extends Emitter<StreamServerEvents> {
  /** Rejects with a SystemError (EADDRINUSE, EACCES...). Port 0 picks a free port. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  address(): AddressInfo | null;
  /** Stop accepting; resolves once the server is closed (existing sockets are not touched). */
  close(): Promise<void>;
}

export interface NetApi {
  createServer(): StreamServer;
  /** Resolves once connected; rejects with ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH... */
  connect(port: number, host: string): Promise<StreamSocket>;
}

// ---------------------------------------------------------------- TLS streams (Node only)

/** A certificate and its private key, PEM. */
export interface TlsServerOptions {
  cert: string;
  key: string;
}

export interface TlsStreamSocket extends StreamSocket {
  /** SHA-256 of the server certificate (DER), 64 lower-case hex digits: what a client pins. */
  readonly peerFingerprint: string;
}

/**
 * Stream sockets inside TLS (node:tls). The client does no CA check: whohas servers use
 * self-signed certificates, and the peer pins the fingerprint on first use instead
 * (docs/PROTOCOL.md, "TLS on the chat line"). The simulator has none (`Platform.tls` undefined):
 * its streams are already private to the simulation, and the pinning logic is tested apart.
 */
export interface TlsApi {
  createServer(options: TlsServerOptions): StreamServer;
  /** Resolves once the handshake is done; rejects with ECONNREFUSED, a TLS error code... */
  connect(port: number, host: string): Promise<TlsStreamSocket>;
}

// ---------------------------------------------------------------- datagram sockets (UDP-like)

export interface DatagramSocketEvents extends Listeners {
  message: (msg: Buffer, rinfo: RemoteInfo) => void;
  error: (error: SystemError) => void;
  close: () => void;
}

export interface DatagramSocket extends Emitter<DatagramSocketEvents> {
  /** Rejects with EADDRINUSE. Port 0 (default) picks a free port. */
  bind(port?: number, address?: string): Promise<AddressInfo>;
  address(): AddressInfo;
  /**
   * Fire-and-forget send. A failure (EMSGSIZE for a datagram over the path MTU, ...) goes to
   * `callback` if given, else to the 'error' event, as with node:dgram.
   */
  send(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void;
  /**
   * Optional: fixes the socket's peer (a connected UDP socket). Sends to that peer then skip the
   * per-datagram address lookup (and the kernel's route lookup); datagrams from any other source
   * are no longer delivered, as the kernel drops them; a send to another address throws
   * ERR_SOCKET_DGRAM_IS_CONNECTED. Sends to the peer made before the promise resolves go out,
   * in order, once the socket is connected (Node holds them: see node-dgram.ts).
   */
  connect?(port: number, address: string): Promise<void>;
  /**
   * Optional: sends `msgs` as that many send() calls without a callback would (in order; a
   * failure goes to 'error'), in fewer system calls (sendmmsg on a connected socket). Only
   * sockets that can do better than a loop have it (the Node socket with the native addon,
   * impl/platform/native-udp.ts); the simulator's has not, so its traces stay per datagram.
   * The socket does not keep the array (the caller may reuse it at once).
   */
  sendBatch?(msgs: readonly Uint8Array[], port: number, address: string): void;
  setRecvBufferSize(bytes: number): void;
  setSendBufferSize(bytes: number): void;
  close(): Promise<void>;
}

export interface DgramApi {
  /** IPv4 unless told 'udp6' (the simulator has one address family and ignores it). */
  createSocket(type?: 'udp4' | 'udp6'): DatagramSocket;
}

// ---------------------------------------------------------------- clock

/** Opaque handle returned by Clock.setTimeout. */
export interface TimerHandle {
  readonly __timerHandle: never;
}

export interface Clock {
  /** Milliseconds, fractional, monotonic. Only differences are meaningful. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /**
   * Runs `callback` once the I/O events that are ready now have been delivered: on Node after
   * the current poll phase (setImmediate), on the simulator as an event at the current virtual
   * time after those already queued. For work that should follow a burst of events (one
   * acknowledgement per burst of datagrams). Not cancellable; dropped if the host crashes.
   */
  defer(callback: () => void): void;
}

// ---------------------------------------------------------------- files

export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  kind: FileKind;
  size: number;
}

export interface DirEntry {
  name: string;
  kind: FileKind;
}

export interface FileReader {
  readonly size: number;
  /**
   * What makes this open file the same as an earlier one (device, inode, size, change times on
   * Node; the node and its size on the simulator): equal identities mean equal contents, so an
   * owner may reuse a hash it computed before. Undefined when the platform cannot tell (on Node,
   * also for a file changed in the last 2 s: its times may not yet tell two rewrites apart).
   */
  readonly identity?: string;
  /** Reads up to `length` bytes at `position`; a shorter result only at end of file. */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * A new file being written under a temporary name in the target folder. Nothing appears under
 * the final name until commit(); abort() (or a failed commit) leaves nothing behind.
 */
export interface FileWriter {
  readonly tempPath: string;
  readonly bytesWritten: number;
  /** Appends. Resolve before issuing the next write. */
  write(data: Uint8Array): Promise<void>;
  /** Moves the file to `finalPath`, never overwriting: EEXIST if taken (the temp file kept). */
  commit(finalPath: string): Promise<void>;
  /** Deletes the temporary file. Safe to call more than once, and after a failed commit. */
  abort(): Promise<void>;
}

export interface WriteFileOptions {
  /** Permission bits of a file writeFile creates (0o600 for a private key); the simulator ignores them. */
  mode?: number;
}

export interface FileSystem {
  /** Entries sorted by name. Rejects with ENOENT / ENOTDIR. */
  list(dir: string): Promise<DirEntry[]>;
  /** Does not follow a final symlink (lstat). Rejects with ENOENT. */
  lstat(path: string): Promise<FileStat>;
  /** Follows symlinks. Rejects with ENOENT. */
  stat(path: string): Promise<FileStat>;
  /** The canonical absolute path with every symlink resolved. */
  realpath(path: string): Promise<string>;
  /** Creates the folder and its parents; fine if it exists. */
  mkdir(path: string): Promise<void>;
  openRead(path: string): Promise<FileReader>;
  /** Starts a new file in `dir` under a hidden temporary name derived from `hint`. */
  createTemp(dir: string, hint: string): Promise<FileWriter>;
  /** Opens an existing regular file to write at any position. Rejects with ENOENT. */
  openUpdate(path: string): Promise<FileUpdater>;
  /** Renames a file, never overwriting: rejects with EEXIST if `to` is taken. */
  move(from: string, to: string): Promise<void>;
  /** Whole-file helpers for small files, tests and fixtures. writeFile replaces. */
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void>;
  remove(path: string): Promise<void>;
  /**
   * Names (not paths) of the temporary files (`.whohas-*.part`, see temp-name.ts) in `dir` that
   * no live writer owns: made by a writer that is gone (Node: a process of this machine that has
   * exited; simulator: the host before a crash), or, whoever made them, not modified for
   * `maxAgeMs`. A file a live writer is writing is never among them while it is younger than
   * the age. Rejects with ENOENT / ENOTDIR for a bad `dir`.
   */
  staleTemps(dir: string, maxAgeMs: number): Promise<string[]>;
}

// ---------------------------------------------------------------- randomness

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  bytes(length: number): Buffer;
}

// ---------------------------------------------------------------- the platform

export interface Platform {
  /** 'node' or 'sim': for log lines and reports, never for branching behaviour. */
  readonly kind: 'node' | 'sim';
  readonly net: NetApi;
  /** TLS streams: on Node only (see TlsApi). */
  readonly tls?: TlsApi;
  readonly dgram: DgramApi;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly random: Random;
}
