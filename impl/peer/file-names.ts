/**
 * The files a peer keeps in its folder (never listed or served: they start with `.whohas-`).
 * A leaf module: the CLI's flag definitions name them in `--help` without loading the peer.
 */

/** The default pins file name inside the peer's folder. */
export const PINS_FILE = '.whohas-rooms.json';

/** The user's Ed25519 key, made on first use. */
export const IDENTITY_FILE = '.whohas-identity.pem';

/** Key pins (users' and servers') beside the room pins. */
export const KEY_PINS_FILE = '.whohas-keys.json';
