/**
 * The optional native addon (native/udp_batch.cc, built by scripts/build-native.mjs into
 * .cache/native/ under the hash of its source): several datagrams per system call on a connected
 * UDP socket, with sendmmsg(2) or UDP GSO. Absent (no g++ at install, not Linux, a stale build)
 * or turned off with WHOHAS_NATIVE=0, `loadNativeUdp()` returns undefined and whohas sends with
 * node:dgram alone.
 */
import { createHash } from 'node:crypto';
import type * as dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeUdp {
  /**
   * Sends buffers[start..] on the connected socket `fd` with sendmmsg(2): the number the kernel
   * took, or -errno when it took none (then buffers[start] failed with that error).
   */
  sendmmsg(fd: number, buffers: readonly Uint8Array[], start: number): number;
  /**
   * The same as UDP GSO super-datagrams of up to 64 segments of `segmentBytes` (all of that size
   * but the very last). EIO or EINVAL: the kernel or the device cannot segment (use sendmmsg).
   */
  sendGso(fd: number, buffers: readonly Uint8Array[], start: number, segmentBytes: number): number;
  /** sendmmsg/sendmsg calls the addon has made in this process. */
  syscalls(): number;
}

const SOURCE = new URL('../../native/udp_batch.cc', import.meta.url);

let loaded: NativeUdp | null | undefined;

/**
 * WHOHAS_NATIVE: `0` sends with node:dgram alone; `sendmmsg` batches with sendmmsg(2) only;
 * `gso` (or `1`) also sends batches of equal-size datagrams as UDP GSO. Unset: DEFAULT_MODE.
 */
export type NativeMode = 'off' | 'sendmmsg' | 'gso';
export const DEFAULT_MODE: NativeMode = 'gso';

export function nativeMode(): NativeMode {
  const value = process.env.WHOHAS_NATIVE;
  if (value === '0' || value === 'off') return 'off';
  if (value === 'sendmmsg') return 'sendmmsg';
  if (value === '1' || value === 'gso') return 'gso';
  return DEFAULT_MODE;
}

/** Whether sockets should try UDP GSO (WHOHAS_NATIVE). */
export function nativeGsoWanted(): boolean {
  return nativeMode() === 'gso';
}

/** The addon if it is built for the current source and not turned off; loaded once. */
export function loadNativeUdp(): NativeUdp | undefined {
  if (nativeMode() === 'off') return undefined;
  if (loaded === undefined) loaded = tryLoad();
  return loaded ?? undefined;
}

/** The file the build writes for this source (scripts/build-native.mjs names it the same way). */
export function nativeUdpPath(): string | undefined {
  if (process.platform !== 'linux' || !existsSync(SOURCE)) return undefined;
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  return fileURLToPath(new URL(`../../.cache/native/udp_batch-${hash}.node`, import.meta.url));
}

function tryLoad(): NativeUdp | null {
  const path = nativeUdpPath();
  if (path === undefined || !existsSync(path)) return null;
  try {
    return createRequire(import.meta.url)(path) as NativeUdp;
  } catch {
    return null; // built for another machine or Node: node:dgram it is
  }
}

/**
 * The file descriptor under a node:dgram socket (Linux), or undefined. Read through the
 * socket's internal state symbol rather than `socket._handle`, whose getter prints a
 * deprecation warning (DEP0112).
 */
export function socketFd(socket: dgram.Socket): number | undefined {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  if (state === undefined) return undefined;
  const handle = (socket as unknown as Record<symbol, { handle?: { fd?: unknown } }>)[state]
    ?.handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}
