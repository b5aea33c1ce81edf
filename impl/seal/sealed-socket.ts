/**
 * A DatagramSocket that seals what it sends and opens what it receives (docs/PROTOCOL.md,
 * "Sealed transfers"): ChaCha20-Poly1305 from node:crypto, one key per direction, the 96-bit
 * nonce holding a 64-bit per-direction datagram counter that travels in front of the
 * ciphertext. A datagram that fails authentication, is malformed, or repeats a counter (replay
 * window) is counted and dropped: the transfer code above never sees it. The ARQ cores and
 * drivers run on it unchanged.
 *
 * Until the keys are known (the requester's receiver starts before the owner's `sending` line
 * arrives) up to PENDING_MAX datagrams are held and opened once they are.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { TypedEmitter } from '../platform/emitter.ts';
import type {
  AddressInfo,
  DatagramSocket,
  DatagramSocketEvents,
  RemoteInfo,
  SystemError,
} from '../platform/types.ts';
import { ReplayWindow } from './replay-window.ts';

export const COUNTER_BYTES = 8;
export const TAG_BYTES = 16;
/** Bytes a sealed datagram carries beyond its plaintext. */
export const SEAL_OVERHEAD = COUNTER_BYTES + TAG_BYTES;
const PENDING_MAX = 256;
// Counters stay below 2^53 so a JavaScript number holds them exactly.
const MAX_COUNTER_HIGH = 0x1f_ffff;

export interface SealKeys {
  /** Seals what we send. */
  readonly send: Buffer;
  /** Opens what we receive. */
  readonly receive: Buffer;
}

/** Plain counters: what was sealed, opened, and refused (and why). */
export interface SealStats {
  sealed: number;
  opened: number;
  /** Failed authentication (forged, corrupted, or sealed with another key) or malformed. */
  rejected: number;
  /** Authentic but already seen, or older than the replay window. */
  replayed: number;
  /** Dropped while waiting for the keys, past PENDING_MAX. */
  overflowed: number;
}

function nonceOf(counter: Buffer): Buffer {
  return Buffer.concat([Buffer.alloc(4), counter]);
}

/** Seals `plain` with `key` under `counter`: counter ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, counter: number, plain: Uint8Array): Buffer {
  const head = Buffer.alloc(COUNTER_BYTES);
  head.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  head.writeUInt32BE(counter >>> 0, 4);
  const cipher = createCipheriv('chacha20-poly1305', key, nonceOf(head), {
    authTagLength: TAG_BYTES,
  });
  const body = cipher.update(plain);
  cipher.final();
  return Buffer.concat([head, body, cipher.getAuthTag()]);
}

/** Opens a sealed datagram: its counter and plaintext, or undefined when it is not authentic. */
export function open(key: Buffer, sealed: Buffer): { counter: number; plain: Buffer } | undefined {
  if (sealed.length < SEAL_OVERHEAD) return undefined;
  const high = sealed.readUInt32BE(0);
  if (high > MAX_COUNTER_HIGH) return undefined;
  const counter = high * 2 ** 32 + sealed.readUInt32BE(4);
  const head = sealed.subarray(0, COUNTER_BYTES);
  const decipher = createDecipheriv('chacha20-poly1305', key, nonceOf(head), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(COUNTER_BYTES, sealed.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return { counter, plain };
}

export class SealedSocket extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly #inner: DatagramSocket;
  #keys: SealKeys | undefined;
  #sendCounter = 0;
  readonly #window = new ReplayWindow();
  #pending: Array<[Buffer, RemoteInfo]> = [];
  readonly stats: SealStats = { sealed: 0, opened: 0, rejected: 0, replayed: 0, overflowed: 0 };

  /** Wraps `inner`; without `keys`, sends wait for setKeys() and arrivals are held. */
  constructor(inner: DatagramSocket, keys?: SealKeys) {
    super();
    this.#inner = inner;
    this.#keys = keys;
    inner.on('message', (msg, rinfo) => this.#arrive(msg, rinfo));
    inner.on('error', (error: SystemError) => this.emit('error', error));
    inner.on('close', () => this.emit('close'));
  }

  get keyed(): boolean {
    return this.#keys !== undefined;
  }

  /** Installs the keys once agreed and opens what arrived before them. */
  setKeys(keys: SealKeys): void {
    this.#keys = keys;
    const held = this.#pending;
    this.#pending = [];
    for (const [msg, rinfo] of held) this.#arrive(msg, rinfo);
  }

  bind(port?: number, address?: string): Promise<AddressInfo> {
    return this.#inner.bind(port, address);
  }

  address(): AddressInfo {
    return this.#inner.address();
  }

  send(
    msg: Uint8Array,
    port: number,
    address: string,
    callback?: (error: SystemError | null) => void,
  ): void {
    // Nothing leaves in clear: before the keys are known a send is dropped (the ARQ resends).
    if (this.#keys === undefined) {
      callback?.(null);
      return;
    }
    this.stats.sealed++;
    this.#inner.send(seal(this.#keys.send, this.#sendCounter++, msg), port, address, callback);
  }

  setRecvBufferSize(bytes: number): void {
    this.#inner.setRecvBufferSize(bytes);
  }

  setSendBufferSize(bytes: number): void {
    this.#inner.setSendBufferSize(bytes);
  }

  close(): Promise<void> {
    this.#pending = [];
    return this.#inner.close();
  }

  #arrive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#keys === undefined) {
      if (this.#pending.length < PENDING_MAX) this.#pending.push([msg, rinfo]);
      else this.stats.overflowed++;
      return;
    }
    const opened = open(this.#keys.receive, msg);
    if (opened === undefined) {
      this.stats.rejected++;
      return;
    }
    if (!this.#window.fresh(opened.counter)) {
      this.stats.replayed++;
      return;
    }
    this.#window.mark(opened.counter);
    this.stats.opened++;
    this.emit('message', opened.plain, { ...rinfo, size: opened.plain.length });
  }
}
