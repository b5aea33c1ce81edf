/**
 * The file's SHA-256 on the wire, for both schemes. START carries it when the sender knows it
 * before the first packet (the owner's hash cache); otherwise START sets flag bit 0
 * (`HASH_IN_FIN`, SHA-256 field zero) and the sender core hashes the bytes as they are offered,
 * in order, each once, and FIN carries the digest as its 32-byte payload. The receiver core
 * hashes as it delivers (ready-queue.ts) either way and checks against START's or FIN's digest
 * before acknowledging FIN: the whole file is verified, and nobody reads the file twice.
 */
import { createHash, type Hash } from 'node:crypto';
import { encodeFin, type Scheme, SHA256_BYTES, type StartPacket, seqAdd } from './codec.ts';
import type { TransferAnnouncement } from './core.ts';

/** START's flags: bit 0, the SHA-256 field is zero and FIN carries the digest. */
export const START_FLAGS = { HASH_IN_FIN: 0x01 } as const;

const NO_HASH = Buffer.alloc(SHA256_BYTES);

/** The sender core's view: what START says, the running hash, FIN's payload. */
export class SenderDigest {
  readonly #given: Uint8Array | null;
  readonly #hash: Hash | undefined;
  #digest: Buffer | undefined;

  /** `given`: the file's SHA-256, or null to send it in FIN (hashing what is offered). */
  constructor(given: Uint8Array | null) {
    this.#given = given;
    this.#hash = given === null ? createHash('sha256') : undefined;
  }

  /** START's SHA-256 field and flags. */
  get start(): { sha256: Uint8Array; flags: number } {
    return this.#given === null
      ? { sha256: NO_HASH, flags: START_FLAGS.HASH_IN_FIN }
      : { sha256: this.#given, flags: 0 };
  }

  /** The next file bytes offered to the core, in order. */
  update(chunk: Buffer): void {
    this.#hash?.update(chunk);
  }

  /** FIN's payload: the digest when START deferred it (every byte was offered by then). */
  finPayload(): Buffer | undefined {
    if (this.#hash === undefined) return undefined;
    this.#digest ??= this.#hash.digest();
    return this.#digest;
  }

  /** FIN at `index` past the ISN (every byte was offered by then). */
  fin(transferId: number, isn: number, index: number): Buffer {
    return encodeFin(transferId, seqAdd(isn, index), this.finPayload());
  }

  /** The file's SHA-256: given, or once FIN was built; undefined before. */
  get sha256(): Uint8Array | undefined {
    return this.#given ?? this.#digest;
  }
}

/** What a receiver core announces from the START it took. */
export function announce(start: StartPacket, scheme: Scheme): TransferAnnouncement {
  const { fileSize, sha256, window } = start;
  const hashInFin = (start.flags & START_FLAGS.HASH_IN_FIN) !== 0;
  return Object.freeze({ fileSize, sha256, window, scheme, hashInFin });
}

/**
 * Why the delivered bytes are not the file (HASH_MISMATCH), or undefined when they are. `ready`
 * is the receiver's running hash (finished by this call); `finHash` is FIN's payload, if any.
 */
export function hashProblem(
  ready: { matches(sha256: Uint8Array): boolean },
  announcement: TransferAnnouncement,
  finHash: Buffer | undefined,
): string | undefined {
  if (announcement.hashInFin && finHash === undefined) {
    return 'START deferred the SHA-256 to FIN, and FIN carries none';
  }
  const expected = announcement.hashInFin ? finHash! : announcement.sha256;
  if (finHash !== undefined && !finHash.equals(expected)) {
    return "FIN's SHA-256 differs from START's";
  }
  return ready.matches(expected) ? undefined : 'the file does not match its SHA-256';
}
