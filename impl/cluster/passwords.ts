/**
 * Room passwords in the cluster: Redis holds a salted scrypt hash, never the clear password
 * (docs/CLUSTER.md). scrypt runs in libuv's thread pool, so a check does not stall the server.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^14, r = 8, p = 1 (RFC 7914's interactive figures), 32-byte key. */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

export interface PasswordHash {
  /** hex */
  readonly salt: string;
  /** hex */
  readonly hash: string;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, COST, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `salt`: 16 random bytes (from the platform's randomness). */
export async function hashPassword(password: string, salt: Buffer): Promise<PasswordHash> {
  const key = await derive(password, salt);
  return { salt: salt.toString('hex'), hash: key.toString('hex') };
}

export async function verifyPassword(guess: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'hex');
  const key = await derive(guess, Buffer.from(stored.salt, 'hex'));
  return key.length === expected.length && timingSafeEqual(key, expected);
}
