import { WhohasError } from '../errors.ts';
import type { FileReader } from '../platform/types.ts';
import { encodeFin, encodeStart, HEADER_BYTES, PacketType, sealPacket } from './codec.ts';
import type { TransferOptions } from './options.ts';
import { ReadAhead } from './read-ahead.ts';

const MAX_SEQUENCE = 0xffff_ffff;

/**
 * The sender's packets by sequence number: 0 is START, 1..total-2 carry the file, total-1 is
 * FIN. File data comes through a read-ahead; each window slot owns one reused buffer.
 */
export class OutgoingPackets {
  /** Sequence numbers 0..total-1. */
  readonly total: number;
  /** File bytes per DATA packet. */
  readonly payload: number;
  readonly #file: FileReader;
  readonly #transferId: number;
  readonly #window: number;
  readonly #reader: ReadAhead;
  /** Packet buffers, allocated as the window first fills and reused after. */
  readonly #slots: (Buffer | undefined)[];

  /** `onReadable` runs when file data a build waited for has been read. */
  constructor(
    file: FileReader,
    transferId: number,
    options: TransferOptions,
    onReadable: () => void,
    onReadError: (error: unknown) => void,
  ) {
    this.#file = file;
    this.#transferId = transferId;
    this.#window = options.window;
    this.payload = options.packetSize - HEADER_BYTES;
    const readChunk = Math.max(1, Math.floor(options.readChunkBytes / this.payload)) * this.payload;
    this.#reader = new ReadAhead(file, readChunk, onReadable, onReadError);
    this.total = Math.ceil(file.size / this.payload) + 2;
    if (this.total > MAX_SEQUENCE) {
      throw new WhohasError(
        'BAD_ARGUMENT',
        'file too large for 32-bit sequence numbers at this packet size',
      );
    }
    this.#slots = new Array(Math.min(this.#window, this.total));
  }

  /** The packet `seq`, or undefined while its data is still being read (`onReadable` follows). */
  build(seq: number, sha256: Uint8Array): Buffer | undefined {
    if (seq === 0) return encodeStart(this.#transferId, this.#file.size, sha256, this.#window);
    if (seq === this.total - 1) return encodeFin(this.#transferId, seq);
    const position = (seq - 1) * this.payload;
    const length = Math.min(this.payload, this.#file.size - position);
    // Each window slot owns one buffer, reused once its packet is acknowledged: no garbage per
    // packet. The simulator copies on send; node:dgram hands the bytes to the kernel before any
    // ACK can be processed (a send libuv had to queue would at worst carry a newer, equally
    // valid packet of this transfer).
    const index = seq % this.#window;
    let slot = this.#slots[index];
    if (slot === undefined) {
      slot = Buffer.allocUnsafeSlow(HEADER_BYTES + this.payload);
      this.#slots[index] = slot;
    }
    if (!this.#reader.copy(slot, HEADER_BYTES, position, length)) return undefined;
    return sealPacket(slot, PacketType.DATA, this.#transferId, seq, length);
  }

  /** File bytes delivered once everything below `ack` is acknowledged. */
  bytesBelow(ack: number): number {
    return Math.min(this.#file.size, Math.max(0, (ack - 1) * this.payload));
  }

  close(): void {
    this.#slots.fill(undefined);
    this.#reader.close();
  }
}
