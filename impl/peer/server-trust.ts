/**
 * TLS on the chat line, the peer's side (docs/PROTOCOL.md, "TLS on the chat line"): connect
 * through the platform's TLS, then judge the server's certificate by its SHA-256 fingerprint,
 * pinned on first use (trust on first use, as ssh does): a different one later is refused with
 * SERVER_KEY_CHANGED unless the user accepts it, which pins the new one.
 */
import { isWhohasError, WhohasError } from '../errors.ts';
import type { Platform, StreamSocket } from '../platform/types.ts';
import type { ServerAddress } from './limits.ts';
import type { RoomPins } from './room-pins.ts';

/** How a peer trusts the server's certificate. */
export interface ServerTrust {
  /** Pinned fingerprints (the key pins file); none: every certificate is taken, and printed. */
  readonly pins: RoomPins | undefined;
  /** Take a certificate that differs from the pinned one (and pin it). */
  readonly acceptChange: boolean;
  /** Told of every certificate taken: its fingerprint and whether it was pinned just now. */
  readonly onCertificate?: (fingerprint: string, pinned: 'first-use' | 'known' | 'changed') => void;
}

export const serverPinKey = (server: ServerAddress) => `server:${server.host}:${server.port}`;

/** `ab12cd...` as `ab12:cd34:...`, the form people compare. */
export const groupHex = (hex: string) => hex.match(/.{1,4}/g)?.join(':') ?? '';

/** Checks `fingerprint` against the pin for `server`, pinning on first use. */
export async function trustServer(
  trust: ServerTrust,
  server: ServerAddress,
  fingerprint: string,
): Promise<void> {
  const key = serverPinKey(server);
  const pinned = await trust.pins?.get(key);
  if (pinned === fingerprint) {
    trust.onCertificate?.(fingerprint, 'known');
    return;
  }
  if (pinned !== undefined && !trust.acceptChange) {
    throw new WhohasError(
      'SERVER_KEY_CHANGED',
      `the server ${server.host}:${server.port} presented certificate ${groupHex(fingerprint)}, not the pinned ${groupHex(pinned)}: someone may be in the middle; --accept-server-key to trust it`,
    );
  }
  await trust.pins?.set(key, fingerprint);
  trust.onCertificate?.(fingerprint, pinned === undefined ? 'first-use' : 'changed');
}

/** A TLS stream to `server` whose certificate passed trustServer; the socket is closed otherwise. */
export async function connectTrusted(
  platform: Platform,
  server: ServerAddress,
  trust: ServerTrust,
): Promise<StreamSocket> {
  if (!platform.tls) {
    throw new WhohasError('TLS_FAILED', `the ${platform.kind} platform has no TLS`);
  }
  const socket = await platform.tls.connect(server.port, server.host);
  try {
    await trustServer(trust, server, socket.peerFingerprint);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return socket;
}

/** Errors that must stop connect() at once rather than move on to the next candidate port. */
export const isTrustFailure = (error: unknown) =>
  isWhohasError(error, 'SERVER_KEY_CHANGED') || isWhohasError(error, 'TLS_FAILED');
