/**
 * Sealed transfers on the peer (docs/PROTOCOL.md, "Sealed transfers" and "User keys"): a peer
 * with an identity key offers an ephemeral key in its getfile, requires the owner's signed
 * answer in `sending`, pins the owner's identity on first download (PEER_KEY_CHANGED when the
 * name later comes with another key) and wraps its transfer socket in a SealedSocket. An owner
 * with an identity refuses unsealed requests (SEAL_REQUIRED) and requests whose signature does
 * not verify (BAD_SIGNATURE). The ARQ drivers run on the wrapped socket unchanged.
 */
import { WhohasError } from '../errors.ts';
import type { DatagramSocket, Random } from '../platform/types.ts';
import {
  ownerAnswer,
  requesterKeys,
  requesterOffer,
  type SealOffer,
  type TransferContext,
  verifyRequesterOffer,
} from '../seal/agreement.ts';
import { fingerprint, type KeyPair } from '../seal/keys.ts';
import { SealedSocket } from '../seal/sealed-socket.ts';
import type { ServerAddress } from './limits.ts';
import { type RoomPins, roomPinKey } from './room-pins.ts';

/** What a peer needs to seal its transfers; absent: transfers run in clear, as before. */
export interface SealSettings {
  readonly identity: KeyPair;
  /** Owners' identity fingerprints pinned on first download; none: no pinning. */
  readonly keyPins: RoomPins | undefined;
  /** Download from an owner whose key changed (and pin the new one). */
  readonly acceptKeyChange: boolean;
}

/** The requester's side of one sealed transfer. */
export class SealedDownload {
  readonly socket: SealedSocket;
  readonly offer: SealOffer;
  readonly #ephemeral: KeyPair;
  readonly #context: TransferContext;
  readonly #settings: SealSettings;

  constructor(
    settings: SealSettings,
    random: Random,
    raw: DatagramSocket,
    context: TransferContext,
  ) {
    this.#settings = settings;
    this.#context = context;
    const { ephemeral, offer } = requesterOffer(settings.identity, random, context);
    this.#ephemeral = ephemeral;
    this.offer = offer;
    this.socket = new SealedSocket(raw);
  }

  /**
   * Checks the owner's answer (signature, then its key against the pin) and keys the socket.
   * Rejects with SEAL_REQUIRED (no answer: a plain owner), BAD_SIGNATURE or PEER_KEY_CHANGED.
   */
  async accept(answer: SealOffer | undefined, server: ServerAddress | undefined): Promise<void> {
    const { owner } = this.#context;
    if (answer === undefined) {
      throw new WhohasError(
        'SEAL_REQUIRED',
        `${owner} answered without sealing; refusing a transfer in clear`,
      );
    }
    const keys = requesterKeys(this.#ephemeral, answer, this.#context);
    if (keys === undefined) {
      throw new WhohasError('BAD_SIGNATURE', `${owner}'s answer is not signed by the key it names`);
    }
    await checkPin(this.#settings, server, owner, answer.identity);
    this.socket.setKeys({ send: keys.requesterToOwner, receive: keys.ownerToRequester });
  }
}

/** Pins `user`'s key on first use; PEER_KEY_CHANGED when it differs from the pinned one. */
export async function checkPin(
  settings: SealSettings,
  server: ServerAddress | undefined,
  user: string,
  identity: Uint8Array,
): Promise<void> {
  const pins = settings.keyPins;
  if (pins === undefined) return;
  const key = roomPinKey(server, user);
  const seen = fingerprint(identity);
  const pinned = await pins.get(key);
  if (pinned === seen) return;
  if (pinned !== undefined && !settings.acceptKeyChange) {
    throw new WhohasError(
      'PEER_KEY_CHANGED',
      `${user} now comes with key ${fingerprint(identity, true)}, not the one pinned (${pinned.slice(0, 16)}...): someone else may hold the name; --accept-key-change to trust it`,
    );
  }
  await pins.set(key, seen);
}

/** The owner's side: the keyed socket and the offer for `sending`, or a refusal code. */
export function sealUpload(
  settings: SealSettings,
  random: Random,
  raw: DatagramSocket,
  context: TransferContext,
  request: SealOffer | undefined,
): { socket: SealedSocket; offer: SealOffer } {
  if (request === undefined) {
    throw new WhohasError(
      'SEAL_REQUIRED',
      'this owner sends only sealed transfers: ask with a key (whohas 2 or later)',
    );
  }
  if (!verifyRequesterOffer(request, context)) {
    throw new WhohasError('BAD_SIGNATURE', 'the getfile seal is not signed by the key it names');
  }
  const { offer, keys } = ownerAnswer(settings.identity, random, context, request);
  const socket = new SealedSocket(raw, {
    send: keys.ownerToRequester,
    receive: keys.requesterToOwner,
  });
  return { socket, offer };
}
