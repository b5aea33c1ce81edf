/**
 * The per-transfer key agreement (docs/PROTOCOL.md, "Sealed transfers"). The requester's getfile
 * carries an ephemeral X25519 key signed with its Ed25519 identity; the owner's `sending` carries
 * its own ephemeral key, signed over both. The signatures cover the names the server vouches for
 * (the `#sender` of each line), the file and the transfer id, so an offer cannot be replayed for
 * another transfer or by another user. HKDF-SHA256 turns the shared secret into one key per
 * direction. Pure functions over node:crypto; randomness comes from the caller's Platform.
 */
import { hkdfSync } from 'node:crypto';
import type { Random } from '../platform/types.ts';
import {
  fromB64,
  generateKeyPair,
  type KeyPair,
  sharedSecret,
  signWith,
  toB64,
  verifySignature,
} from './keys.ts';

/** What one side puts on its line: `seal:<ephemeral>:<identity>:<signature>` (base64url). */
export interface SealOffer {
  readonly ephemeral: Buffer;
  readonly identity: Buffer;
  readonly signature: Buffer;
}

/** What both sides sign: who asks whom for which file under which transfer id. */
export interface TransferContext {
  readonly requester: string;
  readonly owner: string;
  readonly file: string;
  readonly transferId: number;
}

/** The two direction keys of one transfer. */
export interface DirectionKeys {
  /** Seals what the owner sends (START, DATA, FIN). */
  readonly ownerToRequester: Buffer;
  /** Seals what the requester sends (ACKs). */
  readonly requesterToOwner: Buffer;
}

export const SEAL_FIELD_PREFIX = 'seal:';

export function encodeOffer(offer: SealOffer): string {
  const parts = [offer.ephemeral, offer.identity, offer.signature].map(toB64);
  return `${SEAL_FIELD_PREFIX}${parts.join(':')}`;
}

/** Parses a `seal:` field; undefined when it is malformed. */
export function parseOffer(field: string): SealOffer | undefined {
  if (!field.startsWith(SEAL_FIELD_PREFIX)) return undefined;
  const [e, i, s, ...rest] = field.slice(SEAL_FIELD_PREFIX.length).split(':');
  if (rest.length > 0 || e === undefined || i === undefined || s === undefined) return undefined;
  const ephemeral = fromB64(e, 32);
  const identity = fromB64(i, 32);
  const signature = fromB64(s, 64);
  if (!ephemeral || !identity || !signature) return undefined;
  return { ephemeral, identity, signature };
}

function transcript(
  role: 'getfile' | 'sending',
  context: TransferContext,
  ephemerals: Buffer[],
): Buffer {
  const { requester, owner, file, transferId } = context;
  // Names, file and id are length-prefixed so no two contexts share an encoding.
  const text = [role, requester.toLowerCase(), owner.toLowerCase(), file, String(transferId)];
  const parts = text.map((part) => Buffer.from(part, 'utf8'));
  const framed = [...parts, ...ephemerals].flatMap((part) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    return [length, part];
  });
  return Buffer.concat([Buffer.from('whohas-seal-v1'), ...framed]);
}

/** The requester's half: an ephemeral pair and the offer for its getfile line. */
export function requesterOffer(
  identity: KeyPair,
  random: Random,
  context: TransferContext,
): { ephemeral: KeyPair; offer: SealOffer } {
  const ephemeral = generateKeyPair('x25519', random);
  const signature = signWith(identity, transcript('getfile', context, [ephemeral.publicRaw]));
  return {
    ephemeral,
    offer: { ephemeral: ephemeral.publicRaw, identity: identity.publicRaw, signature },
  };
}

/** True when the requester's offer is signed by the identity it names, for this context. */
export function verifyRequesterOffer(offer: SealOffer, context: TransferContext): boolean {
  const message = transcript('getfile', context, [offer.ephemeral]);
  return verifySignature(offer.identity, message, offer.signature);
}

/** The owner's half: its offer for `sending` and the direction keys. */
export function ownerAnswer(
  identity: KeyPair,
  random: Random,
  context: TransferContext,
  request: SealOffer,
): { offer: SealOffer; keys: DirectionKeys } {
  const ephemeral = generateKeyPair('x25519', random);
  const message = transcript('sending', context, [request.ephemeral, ephemeral.publicRaw]);
  const offer = {
    ephemeral: ephemeral.publicRaw,
    identity: identity.publicRaw,
    signature: signWith(identity, message),
  };
  return {
    offer,
    keys: deriveKeys(ephemeral, request.ephemeral, request.ephemeral, offer.ephemeral, context),
  };
}

/** The requester checks the owner's answer: the keys, or undefined when the signature fails. */
export function requesterKeys(
  ephemeral: KeyPair,
  answer: SealOffer,
  context: TransferContext,
): DirectionKeys | undefined {
  const message = transcript('sending', context, [ephemeral.publicRaw, answer.ephemeral]);
  if (!verifySignature(answer.identity, message, answer.signature)) return undefined;
  return deriveKeys(ephemeral, answer.ephemeral, ephemeral.publicRaw, answer.ephemeral, context);
}

function deriveKeys(
  ours: KeyPair,
  theirs: Uint8Array,
  requesterEphemeral: Uint8Array,
  ownerEphemeral: Uint8Array,
  context: TransferContext,
): DirectionKeys {
  const secret = sharedSecret(ours, theirs);
  const salt = Buffer.concat([requesterEphemeral, ownerEphemeral]);
  const key = (direction: string) =>
    Buffer.from(
      hkdfSync('sha256', secret, salt, `whohas-seal-v1 ${context.transferId} ${direction}`, 32),
    );
  return { ownerToRequester: key('owner->requester'), requesterToOwner: key('requester->owner') };
}
