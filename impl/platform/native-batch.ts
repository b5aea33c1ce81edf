/**
 * The loop around the native addon's batch sends (impl/platform/native-udp.ts) for one socket:
 * sendmmsg, or UDP GSO where the batch allows it (segments of one size, the last no longer), and
 * what to do with each kind of refusal. node-dgram.ts's sendBatch runs it on a connected socket.
 */
import { getSystemErrorName } from 'node:util';
import type { NativeUdp } from './native-udp.ts';

/** Transient: the socket buffer is full; the rest waits (in node:dgram's queue) and goes later. */
const FULL = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS']);

export class NativeBatchSender {
  readonly #native: NativeUdp;
  /** Whether to try GSO; turned off for the socket at the first GSO send the kernel refuses. */
  #gso: boolean;

  constructor(native: NativeUdp, gso: boolean) {
    this.#native = native;
    this.#gso = gso;
  }

  /**
   * Sends msgs in order on the connected socket `fd`. Returns the index of the first datagram
   * the kernel did not take because its buffer is full (msgs.length when all went); a datagram
   * that fails by itself (EMSGSIZE, ECONNREFUSED...) goes to `failed` and the rest still go.
   */
  send(fd: number, msgs: readonly Uint8Array[], failed: (code: string) => void): number {
    let next = 0;
    while (next < msgs.length) {
      const segment = this.#gso ? segmentBytes(msgs, next) : 0;
      let taken =
        segment > 0
          ? this.#native.sendGso(fd, msgs, next, segment)
          : this.#native.sendmmsg(fd, msgs, next);
      if (taken < 0 && segment > 0 && !FULL.has(getSystemErrorName(taken))) {
        // EIO (no checksum offload), EINVAL (no UDP_SEGMENT), or one bad datagram among the
        // segments: GSO is off for this socket, and sendmmsg says which datagram it was.
        this.#gso = false;
        taken = this.#native.sendmmsg(fd, msgs, next);
      }
      if (taken > 0) {
        next += taken;
        continue;
      }
      const code = getSystemErrorName(taken);
      if (FULL.has(code)) return next;
      failed(code);
      next++;
    }
    return next;
  }
}

/**
 * The segment size if msgs[from..] can go as GSO: two or more, all of one size but the last,
 * which may be shorter; else 0.
 */
function segmentBytes(msgs: readonly Uint8Array[], from: number): number {
  if (msgs.length - from < 2) return 0;
  const size = msgs[from].length;
  for (let i = from + 1; i < msgs.length - 1; i++) if (msgs[i].length !== size) return 0;
  return msgs[msgs.length - 1].length <= size ? size : 0;
}
