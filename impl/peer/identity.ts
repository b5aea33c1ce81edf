/**
 * The user's Ed25519 identity (docs/PROTOCOL.md, "User keys"): made on first use from the
 * platform's randomness and kept as a PKCS #8 PEM file with mode 0600 beside the peer's state
 * (the download folder's `.whohas-identity.pem` by default: a `.whohas-` name is never listed
 * or served). Its fingerprint (SHA-256 of the raw public key) is what other users pin.
 */
import { createPrivateKey } from 'node:crypto';
import { posix } from 'node:path';
import { WhohasError } from '../errors.ts';
import type { FileSystem, Random } from '../platform/types.ts';
import { generateKeyPair, type KeyPair, keyPairFromSeed } from '../seal/keys.ts';

export { IDENTITY_FILE, KEY_PINS_FILE } from './file-names.ts';

/** Reads the identity at `path`, creating it (mode 0600) when there is none. */
export async function loadIdentity(
  fs: FileSystem,
  random: Random,
  path: string,
): Promise<{ identity: KeyPair; created: boolean }> {
  let pem: Buffer | undefined;
  try {
    pem = await fs.readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  if (pem !== undefined) return { identity: parseIdentity(pem, path), created: false };
  const identity = generateKeyPair('ed25519', random);
  const text = identity.privateKey.export({ format: 'pem', type: 'pkcs8' });
  await fs.mkdir(posix.dirname(path));
  await fs.writeFile(path, Buffer.from(text), { mode: 0o600 });
  return { identity, created: true };
}

function parseIdentity(pem: Buffer, path: string): KeyPair {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    const der = key.export({ format: 'der', type: 'pkcs8' });
    return keyPairFromSeed('ed25519', der.subarray(der.length - 32));
  } catch (error) {
    throw new WhohasError('BAD_ARGUMENT', `${path} is not an Ed25519 private key (PEM)`, {
      cause: error,
    });
  }
}
