/**
 * User keys in the login dialog (docs/PROTOCOL.md, "User keys"): a client with an Ed25519 key
 * answers the username step with `<user>|key|<public key>` (a `|` is never in a plain username,
 * so netcat users are unaffected); the server answers `OK|CHALLENGE|<nonce>|...` and the client
 * proves the key with a signature over `whohas-login-v1|<user, lower case>|<nonce>`. Only then
 * does the server show the key's fingerprint beside the name (`@server|get_keys`): copying
 * someone's public key gets a squatter nowhere. Pure: both sides use these functions.
 */
import {
  fingerprint,
  fromB64,
  type KeyPair,
  signWith,
  toB64,
  verifySignature,
} from '../seal/keys.ts';

export const KEY_MARK = '|key|';

/** Splits a keyed username answer; undefined for a plain one. `key` undefined: malformed key. */
export function splitKeyedAnswer(
  answer: string,
): { name: string; key: Buffer | undefined } | undefined {
  const at = answer.indexOf(KEY_MARK);
  if (at === -1) return undefined;
  return { name: answer.slice(0, at), key: fromB64(answer.slice(at + KEY_MARK.length), 32) };
}

export function keyedAnswer(name: string, identity: KeyPair): string {
  return `${name}${KEY_MARK}${toB64(identity.publicRaw)}`;
}

function proofMessage(name: string, nonce: string): Buffer {
  return Buffer.from(`whohas-login-v1|${name.toLowerCase()}|${nonce}`, 'utf8');
}

export function challengeLine(nonce: string, name: string): string {
  return `OK|CHALLENGE|${nonce}|Sign whohas-login-v1|${name.toLowerCase()}|${nonce} with your key and send the signature (base64url)`;
}

/** The client's answer to a challenge: its signature, base64url. */
export function proveKey(identity: KeyPair, name: string, nonce: string): string {
  return toB64(signWith(identity, proofMessage(name, nonce)));
}

/** The fingerprint of `key` when `signature` proves it for this name and nonce, else undefined. */
export function checkProof(
  key: Buffer,
  name: string,
  nonce: string,
  signature: string,
): string | undefined {
  const bytes = fromB64(signature, 64);
  if (!bytes || !verifySignature(key, proofMessage(name, nonce), bytes)) return undefined;
  return fingerprint(key);
}
