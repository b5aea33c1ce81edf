import { WhohasError } from '../errors.ts';
import {
  encodeFin,
  encodeStart,
  HEADER_BYTES,
  PacketType,
  type Scheme,
  sealPacket,
  seqAdd,
} from './codec.ts';
import type { SenderDigest } from './file-digest.ts';

/** What the sender announces; the fixed parts of every packet it builds. */
export interface OutgoingFile {
  transferId: number;
  isn: number;
  token: bigint;
  fileSize: number;
  /** START's SHA-256 and flags, the hash of what is offered, FIN's payload. */
  digest: SenderDigest;
  window: number;
  scheme: Scheme;
  /** File bytes per DATA packet. */
  payload: number;
}

/**
 * The sender's packets by index (0 START, 1..dataPackets DATA, then FIN; wire sequence
 * ISN + index modulo 2^32) and the one copy of each unacknowledged one: a ring of N slots, each
 * owning one reused buffer, plus the file bytes offered but not yet packed into DATA.
 * A datagram handed out stays valid until its slot is reused (after its ACK): send it at once.
 */
export class SendBuffer {
  /** Indices 0..total-1. */
  readonly total: number;
  readonly #file: OutgoingFile;
  readonly #window: number;
  /** Sealed datagrams of indices [released, built), by index modulo the window. */
  readonly #ring: (Buffer | undefined)[];
  /** Each slot's buffer, allocated as the window first fills and reused after. */
  readonly #slots: (Buffer | undefined)[];
  /** Offered file bytes not yet packed, oldest first; `#skip` bytes of the first are used. */
  readonly #chunks: Buffer[] = [];
  #skip = 0;
  #staged = 0;
  #offered = 0;
  #built = 0;

  constructor(file: OutgoingFile) {
    this.#file = file;
    this.#window = file.window;
    this.total = Math.ceil(file.fileSize / file.payload) + 2;
    if (this.total > 0xffff_ffff) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        'file too large for 32-bit sequence numbers at this packet size',
      );
    }
    const size = Math.min(this.#window, this.total);
    this.#ring = new Array(size);
    this.#slots = new Array(size);
  }

  /** Packets built so far: indices below this one exist (in the ring or acknowledged). */
  get built(): number {
    return this.#built;
  }

  /** File bytes offered so far. */
  get offered(): number {
    return this.#offered;
  }

  /** File bytes carried by the packets below `index` (what is delivered once they are acked). */
  bytesBelow(index: number): number {
    return Math.min(this.#file.fileSize, Math.max(0, (index - 1) * this.#file.payload));
  }

  /** The file bytes still to offer so that every packet below `index` can be built. */
  bytesWanted(index: number): number {
    return Math.max(0, this.bytesBelow(Math.min(index, this.total - 1)) - this.#offered);
  }

  offer(chunk: Buffer): void {
    if (this.#offered + chunk.length > this.#file.fileSize) {
      throw new WhohasError('BAD_ARGUMENT', 'more file bytes offered than the announced size');
    }
    if (chunk.length === 0) return;
    this.#file.digest.update(chunk);
    this.#chunks.push(chunk);
    this.#staged += chunk.length;
    this.#offered += chunk.length;
  }

  /**
   * Builds the next packet (index `built`) if its bytes are at hand; the caller keeps
   * `built - base` within the window. Returns the datagram, or null while data is missing.
   */
  buildNext(): Buffer | null {
    const index = this.#built;
    const file = this.#file;
    let packet: Buffer;
    if (index === 0) {
      packet = encodeStart({ ...file, ...file.digest.start });
    } else if (index === this.total - 1) {
      // Built only once every DATA was: every byte was offered, so a deferred hash is complete.
      packet = encodeFin(file.transferId, seqAdd(file.isn, index), file.digest.finPayload());
    } else {
      const length = Math.min(file.payload, file.fileSize - (index - 1) * file.payload);
      if (this.#staged < length) return null;
      const slot = index % this.#window;
      let buffer = this.#slots[slot];
      if (buffer === undefined) {
        buffer = Buffer.allocUnsafeSlow(HEADER_BYTES + file.payload);
        this.#slots[slot] = buffer;
      }
      this.#take(buffer, length);
      packet = sealPacket(
        buffer,
        PacketType.DATA,
        file.transferId,
        seqAdd(file.isn, index),
        length,
      );
    }
    this.#ring[index % this.#window] = packet;
    this.#built = index + 1;
    return packet;
  }

  /** The datagram of an unacknowledged packet already built. */
  get(index: number): Buffer {
    return this.#ring[index % this.#window]!;
  }

  /** Packets [from, to) are acknowledged: their slots may be reused. */
  release(from: number, to: number): void {
    for (let index = from; index < to; index++) this.#ring[index % this.#window] = undefined;
  }

  /** Drops every buffer (the transfer ended). */
  clear(): void {
    this.#ring.fill(undefined);
    this.#slots.fill(undefined);
    this.#chunks.length = 0;
    this.#staged = 0;
  }

  /** Copies the next `length` staged bytes into `target` after the header. */
  #take(target: Buffer, length: number): void {
    let at = HEADER_BYTES;
    let left = length;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(left, chunk.length - this.#skip);
      chunk.copy(target, at, this.#skip, this.#skip + n);
      at += n;
      left -= n;
      this.#skip += n;
      if (this.#skip === chunk.length) {
        this.#chunks.shift();
        this.#skip = 0;
      }
    }
    this.#staged -= length;
  }
}
