/**
 * UDP hole punching between two peers that know each other's candidates (their local and
 * reflexive addresses, exchanged over the chat line): both send probes to every candidate of the
 * other at once (simultaneous open), every `intervalMs`, until a probe is answered or
 * `timeoutMs` has passed. A probe opens the sender's own NAT mapping toward that candidate, so
 * the other side's next probe gets in; the first candidate that answers carries the transfer.
 * Probes carry the transfer id and a random token that only the two peers know: a stranger's
 * probe or answer is counted and ignored. After `done`, the prober keeps answering the other
 * side's probes (it may not have had its answer yet) and keeps the mapping alive with a probe
 * every `keepaliveMs` until `close()`.
 *
 * Probe: 0xF0 'W' 'H' 'P' | kind u8 (1 probe, 2 answer) | transfer id u32 | token (8 bytes) = 17
 * bytes. 0xF0 is neither a transfer datagram (version 2) nor STUN (first two bits 00).
 */
import { WhohasError } from '../errors.ts';
import type { Clock, DatagramSocket, RemoteInfo, TimerHandle } from '../platform/types.ts';

export interface Candidate {
  address: string;
  port: number;
  kind: 'host' | 'reflexive';
}

export interface PunchOptions {
  transferId: number;
  /** 8 random bytes, known only to the two peers. */
  token: Buffer;
  intervalMs?: number;
  timeoutMs?: number;
  keepaliveMs?: number;
  /** Called for every probe or answer with the right id and token, with where it came from. */
  onVerified?: (address: string, port: number) => void;
}

export interface PunchResult {
  /** Where the answer came from: the address and port to send the transfer to. */
  address: string;
  port: number;
  /** The candidate that was probed, or 'peer-reflexive' when the answer came from elsewhere. */
  kind: Candidate['kind'] | 'peer-reflexive';
  /** From the first probe to the first answer. */
  ms: number;
}

export interface PunchStats {
  probesSent: number;
  probesAnswered: number;
  answersReceived: number;
  /** Probes or answers with a wrong id or token, and other bytes that are not ours. */
  strangers: number;
}

const MAGIC = Buffer.from([0xf0, 0x57, 0x48, 0x50]);
export const PROBE_BYTES = 17;
const PROBE = 1;
const ANSWER = 2;

export function encodeProbe(kind: 1 | 2, transferId: number, token: Buffer): Buffer {
  const bytes = Buffer.alloc(PROBE_BYTES);
  MAGIC.copy(bytes, 0);
  bytes[4] = kind;
  bytes.writeUInt32BE(transferId >>> 0, 5);
  token.copy(bytes, 9, 0, 8);
  return bytes;
}

export function isProbe(bytes: Uint8Array): boolean {
  return bytes.length === PROBE_BYTES && Buffer.from(bytes.subarray(0, 4)).equals(MAGIC);
}

export class HolePunch {
  readonly stats: PunchStats = {
    probesSent: 0,
    probesAnswered: 0,
    answersReceived: 0,
    strangers: 0,
  };
  readonly done: Promise<PunchResult>;
  readonly #socket: DatagramSocket;
  readonly #clock: Clock;
  /** The other side's candidates, and any address its valid probes came from (ICE's peer-reflexive). */
  readonly #remote: Array<Candidate | { address: string; port: number; kind: 'peer-reflexive' }>;
  readonly #transferId: number;
  readonly #token: Buffer;
  readonly #intervalMs: number;
  readonly #keepaliveMs: number;
  readonly #onVerified: PunchOptions['onVerified'];
  readonly #started: number;
  #result: PunchResult | undefined;
  #timer: TimerHandle | undefined;
  #deadline: TimerHandle | undefined;
  #closed = false;
  #settle!: { resolve: (result: PunchResult) => void; reject: (error: WhohasError) => void };
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.#receive(msg, rinfo);

  constructor(
    socket: DatagramSocket,
    remote: readonly Candidate[],
    platform: { clock: Clock },
    options: PunchOptions,
  ) {
    this.#socket = socket;
    this.#clock = platform.clock;
    this.#remote = [...remote];
    this.#transferId = options.transferId;
    this.#token = options.token;
    this.#intervalMs = options.intervalMs ?? 50;
    this.#keepaliveMs = options.keepaliveMs ?? 15_000;
    this.#onVerified = options.onVerified;
    this.#started = this.#clock.now();
    this.done = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // No unhandled rejection when the caller only awaits after close().
    this.done.catch(() => {});
    socket.on('message', this.#onMessage);
    const timeoutMs = options.timeoutMs ?? 3_000;
    this.#deadline = this.#clock.setTimeout(() => this.#fail(timeoutMs), timeoutMs);
    this.#probeAll();
  }

  /** Stops probing, answering and keeping the mapping alive (the transfer is over). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimeout(this.#timer);
    this.#clock.clearTimeout(this.#deadline);
    this.#socket.off('message', this.#onMessage);
    if (!this.#result) this.#settle.reject(new WhohasError('NAT_TRAVERSAL_FAILED', 'closed'));
  }

  #probeAll(): void {
    if (this.#closed) return;
    const probe = encodeProbe(PROBE, this.#transferId, this.#token);
    // Once punched, only the chosen pair is kept alive; before, every candidate is tried.
    const targets = this.#result ? [this.#result] : this.#remote;
    for (const target of targets) {
      this.#send(probe, target);
      this.stats.probesSent++;
    }
    this.#timer = this.#clock.setTimeout(
      () => this.#probeAll(),
      this.#result ? this.#keepaliveMs : this.#intervalMs,
    );
  }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (!isProbe(msg)) return; // the transfer's own datagrams, STUN: not ours to judge
    if (
      msg.readUInt32BE(5) !== this.#transferId >>> 0 ||
      !msg.subarray(9, 17).equals(this.#token)
    ) {
      this.stats.strangers++;
      return;
    }
    if (msg[4] === PROBE || msg[4] === ANSWER) this.#onVerified?.(rinfo.address, rinfo.port);
    if (msg[4] === PROBE) {
      // A symmetric NAT shows the other side at a port nobody could know in advance: probe it too.
      if (!this.#remote.some((c) => c.address === rinfo.address && c.port === rinfo.port)) {
        this.#remote.push({ address: rinfo.address, port: rinfo.port, kind: 'peer-reflexive' });
      }
      this.#send(encodeProbe(ANSWER, this.#transferId, this.#token), rinfo);
      this.stats.probesAnswered++;
      // A triggered check (RFC 8445 §7.3.1.4): the path that just worked one way is probed back
      // at once, not at the next round, so this side is done one round trip later.
      if (!this.#result) {
        this.#send(encodeProbe(PROBE, this.#transferId, this.#token), rinfo);
        this.stats.probesSent++;
      }
      return;
    }
    if (msg[4] !== ANSWER) {
      this.stats.strangers++;
      return;
    }
    this.stats.answersReceived++;
    if (this.#result) return;
    const probed = this.#remote.find((c) => c.address === rinfo.address && c.port === rinfo.port);
    this.#result = {
      address: rinfo.address,
      port: rinfo.port,
      kind: probed?.kind ?? 'peer-reflexive',
      ms: this.#clock.now() - this.#started,
    };
    this.#clock.clearTimeout(this.#deadline);
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => this.#probeAll(), this.#keepaliveMs);
    this.#settle.resolve(this.#result);
  }

  /**
   * Once the transfer's driver has connected the socket to the chosen pair, a send elsewhere
   * throws (ERR_SOCKET_DGRAM_IS_CONNECTED): that probe is simply not needed any more.
   */
  #send(bytes: Buffer, to: { address: string; port: number }): void {
    try {
      this.#socket.send(bytes, to.port, to.address, () => {});
    } catch {}
  }

  #fail(timeoutMs: number): void {
    if (this.#result || this.#closed) return;
    this.#clock.clearTimeout(this.#timer);
    this.#closed = true;
    this.#socket.off('message', this.#onMessage);
    this.#settle.reject(
      new WhohasError(
        'NAT_TRAVERSAL_FAILED',
        `no answer from ${this.#remote.length} candidate(s) within ${timeoutMs} ms`,
      ),
    );
  }
}
