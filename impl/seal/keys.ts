/**
 * Key material for sealed transfers and user identities: Ed25519 (who a user is) and X25519
 * (one ephemeral pair per transfer), all from node:crypto, no hand-written cryptography.
 *
 * Private keys are made from 32 bytes of the Platform's randomness (crypto on Node, the host's
 * seeded stream in the simulator), wrapped in their fixed PKCS #8 prefix: node:crypto's
 * generateKeyPairSync cannot take a seed, and the simulator must stay deterministic.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { WhohasError } from '../errors.ts';
import type { Random } from '../platform/types.ts';

// RFC 8410 PKCS #8 and SubjectPublicKeyInfo headers for a 32-byte key of each curve.
const PKCS8 = {
  ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  x25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
};
const SPKI = {
  ed25519: Buffer.from('302a300506032b6570032100', 'hex'),
  x25519: Buffer.from('302a300506032b656e032100', 'hex'),
};

export type Curve = keyof typeof PKCS8;

export interface KeyPair {
  readonly curve: Curve;
  readonly privateKey: KeyObject;
  /** The raw 32-byte public key. */
  readonly publicRaw: Buffer;
  /** The raw 32-byte private seed (to store an identity). */
  readonly seed: Buffer;
}

/** A key pair from a 32-byte seed (e.g. a stored identity). */
export function keyPairFromSeed(curve: Curve, seed: Uint8Array): KeyPair {
  if (seed.length !== 32) throw new WhohasError('BAD_ARGUMENT', `a ${curve} seed is 32 bytes`);
  const der = Buffer.concat([PKCS8[curve], seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    curve,
    privateKey,
    publicRaw: spki.subarray(SPKI[curve].length),
    seed: Buffer.from(seed),
  };
}

/** A fresh key pair from the platform's randomness. */
export function generateKeyPair(curve: Curve, random: Random): KeyPair {
  return keyPairFromSeed(curve, random.bytes(32));
}

/** A public key object from its raw 32 bytes; BAD_ARGUMENT when it is not one. */
export function publicKeyFromRaw(curve: Curve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new WhohasError('BAD_ARGUMENT', `a ${curve} public key is 32 bytes`);
  try {
    const der = Buffer.concat([SPKI[curve], raw]);
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (error) {
    throw new WhohasError('BAD_ARGUMENT', `not a ${curve} public key`, { cause: error });
  }
}

/** Ed25519 signature (64 bytes) over `message`. */
export function signWith(identity: KeyPair, message: Uint8Array): Buffer {
  return sign(null, message, identity.privateKey);
}

/** True when `signature` is `publicRaw`'s Ed25519 signature over `message`. */
export function verifySignature(
  publicRaw: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verify(null, message, publicKeyFromRaw('ed25519', publicRaw), signature);
  } catch {
    return false;
  }
}

/** X25519 shared secret of our ephemeral private key and their raw public key. */
export function sharedSecret(ours: KeyPair, theirRaw: Uint8Array): Buffer {
  return diffieHellman({
    privateKey: ours.privateKey,
    publicKey: publicKeyFromRaw('x25519', theirRaw),
  });
}

/**
 * A public key's fingerprint as people compare it: SHA-256 of the raw key, 64 hex digits in
 * groups of four (`ab12:cd34:...`) when `grouped`, plain hex otherwise.
 */
export function fingerprint(publicRaw: Uint8Array, grouped = false): string {
  const hex = createHash('sha256').update(publicRaw).digest('hex');
  return grouped ? hex.match(/.{4}/g)!.join(':') : hex;
}

/** base64url without padding: the encoding keys and signatures take on chat lines. */
export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** Decodes base64url, or undefined when `text` is not exactly `length` bytes of it. */
export function fromB64(text: string, length: number): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === length && toB64(bytes) === text ? bytes : undefined;
}
