/**
 * The owner's side of getfile: judge the request, run a TransferSender, and say clearly why when
 * the answer is no. A refusal never costs the slot of another upload. An upload takes a slot only
 * once its requester proved its address (echoed START's token); until then it is pending, for
 * at most VALIDATION_MS, so getfile lines naming a silent port cannot hold the slots.
 */

import { TransferSender } from '../arq/driver-sender.ts';
import { nameKey } from '../chat/wire.ts';
import { type ErrorCode, isWhohasError, WhohasError } from '../errors.ts';
import { datagramTypeFor } from '../platform/family.ts';
import type { DatagramSocket, FileReader } from '../platform/types.ts';
import type { SealStats } from '../seal/sealed-socket.ts';
import type { ContentCache } from './content.ts';
import { guardedReader, isOwnerSideFailure } from './guarded-reader.ts';
import { HashCache } from './hash-cache.ts';
import { type BadRequest, encodeFileMessage, type GetfileMessage, refusalFor } from './messages.ts';
import { NatPath } from './nat-path.ts';
import type { ShareFolder } from './share-folder.ts';
import { sealUpload } from './transfer-seal.ts';
import type { PeerLink, TransferEnd, TransferInfo } from './types.ts';
import { uploadSource } from './upload-source.ts';

/**
 * How long an upload may wait for the requester to echo START's token: 18 STARTs with the default
 * backoff. Under 30 % loss both ways (transfers/loss-30) a START round trip survives with
 * probability 0.49: 3 s (4 or 5 STARTs) cut short about 7 % of handshakes, 10 s (8 STARTs) 0.4 %
 * (0.51^8), 30 s about 5e-6. Pending uploads hold no slot, so the wait costs real requesters
 * nothing; a forged getfile draws at most those 18 small STARTs, never data.
 */
export const VALIDATION_MS = 30_000;
/** Unproven uploads allowed per slot: each holds a socket and an open file for VALIDATION_MS. */
const PENDING_PER_SLOT = 4;

interface Upload {
  info: TransferInfo;
  /** The requester echoed the token: the upload holds a slot. */
  validated: boolean;
  requesterKey: string;
  sender: TransferSender | undefined;
  /** Set when the upload is cancelled before its sender exists. */
  cancelled: WhohasError | undefined;
  /** The sealed socket's counters, when the upload is sealed. */
  seal: SealStats | undefined;
  /** Present when the requester sent candidates and we traverse NATs too. */
  nat?: NatPath;
}

export class Uploads {
  readonly #link: PeerLink;
  readonly #share: ShareFolder;
  #parallel: number;
  /** Keyed by requester and transfer id; insertion order is arrival order. */
  readonly #active = new Map<string, Upload>();
  /** Hashes of files sent before: a second send of the same file starts without a pre-pass. */
  readonly #hashes = new HashCache();

  readonly #content: ContentCache;

  constructor(link: PeerLink, share: ShareFolder, parallel: number, content: ContentCache) {
    this.#link = link;
    this.#share = share;
    this.#parallel = parallel;
    this.#content = content;
  }

  get parallel(): number {
    return this.#parallel;
  }

  set parallel(value: number) {
    this.#parallel = value;
  }

  get active(): TransferInfo[] {
    return [...this.#active.values()].map((upload) => upload.info);
  }

  /** Answers a malformed getfile with the reason, so a netcat user sees what is missing. */
  refuseBad(requester: string, bad: BadRequest): void {
    this.#link.reply(requester, encodeFileMessage(refusalFor(bad)));
  }

  /** Starts an upload or refuses it; resolves once it ended either way. */
  async handle(requester: string, request: GetfileMessage): Promise<void> {
    const key = `${nameKey(requester)}|${request.transferId}`;
    const refuse = (code: ErrorCode, reason: string) =>
      this.#link.reply(
        requester,
        encodeFileMessage({
          kind: 'refused',
          file: request.file,
          transferId: request.transferId,
          code,
          reason,
        }),
      );
    if (this.#active.has(key)) {
      refuse('BAD_ARGUMENT', `transfer id ${request.transferId} is already in use`);
      return;
    }
    if (
      this.#slotsTaken() >= this.#parallel ||
      this.#pending() >= this.#parallel * PENDING_PER_SLOT
    ) {
      refuse('SLOTS_FULL', this.#slotsFull());
      return;
    }
    const upload: Upload = {
      info: {
        direction: 'upload',
        user: requester,
        file: request.file,
        transferId: request.transferId,
        size: 0,
        window: request.window,
        packetSize: request.packetSize,
        arq: request.arq,
      },
      validated: false,
      requesterKey: nameKey(requester),
      sender: undefined,
      cancelled: undefined,
      seal: undefined,
    };
    // The slot is taken before the first await, so concurrent requests cannot overbook it.
    this.#active.set(key, upload);
    let reader: FileReader | undefined;
    let socket: DatagramSocket | undefined;
    let path = '';
    let whole = true;
    try {
      try {
        const opened = await this.#share.openShared(request.file);
        reader = guardedReader(opened.reader, request.file);
        path = opened.file.path;
        const source = await uploadSource(path, reader, request, this.#content);
        ({ reader, whole } = source);
        upload.info = { ...upload.info, size: reader.size };
        const local = this.#link.localAddress();
        socket = this.#link.platform.dgram.createSocket(datagramTypeFor(local));
        const bound = await socket.bind(0, local);
        const { seal, session, platform, nat } = this.#link;
        const { cand, punch } = request;
        // The requester can punch and so can we: the path is found before the sender starts.
        upload.nat = cand && punch && (await NatPath.open(nat, platform, socket, bound, punch));
        socket = upload.nat?.channel ?? socket;
        if (upload.cancelled) throw upload.cancelled;
        const context = {
          requester,
          owner: session.name,
          file: request.file,
          transferId: request.transferId,
        };
        const sealed = seal && sealUpload(seal, platform.random, socket, context, request.seal);
        upload.seal = sealed?.socket.stats;
        const sending = () =>
          this.#link.reply(
            requester,
            encodeFileMessage({
              kind: 'sending',
              file: request.file,
              transferId: request.transferId,
              size: upload.info.size,
              port: bound.port,
              ...(upload.nat ? { cand: upload.nat.candidates } : {}),
              ...(sealed ? { seal: sealed.offer } : {}),
            }),
          );
        let peer = { address: request.address, port: request.port };
        if (upload.nat && cand) {
          sending();
          peer = await upload.nat.connect('owner', requester, request.transferId, cand);
          // Over the relay's quota the relay refuses the transfer: it stops here too.
          upload.nat.onRelayRefused((error) => this.#cancel(upload, error));
          if (upload.cancelled) throw upload.cancelled;
          const { route, pair } = upload.nat.report();
          upload.info = { ...upload.info, route, pair };
        }
        upload.sender = new TransferSender({
          platform: this.#link.platform,
          socket: sealed?.socket ?? socket,
          peer,
          transferId: request.transferId,
          file: reader,
          sha256: whole ? this.#knownHash(path, reader) : undefined,
          options: {
            ...this.#link.transferOptions,
            window: request.window,
            packetSize: request.packetSize,
            arq: request.arq,
          },
        });
        if (!upload.nat) sending();
      } catch (error) {
        // A requester that already left hears nothing; anyone else learns why.
        if (!upload.cancelled) {
          const failure = asPeerError(error);
          refuse(failure.code, failure.message);
        }
        return;
      }
      this.#link.started(upload.info);
      this.#awaitProof(upload, upload.sender);
      let end: TransferEnd;
      try {
        end = { ...upload.info, stats: await upload.sender.done };
        // The receiver verified this hash against the bytes read: safe to reuse for this file.
        const { sha256 } = upload.sender;
        if (sha256 !== undefined && whole) this.#hashes.set(path, reader, sha256);
        // The final ACK arrived: the requester may stop lingering for a repeated FIN.
        const { file, transferId } = request;
        this.#link.reply(requester, encodeFileMessage({ kind: 'delivered', file, transferId }));
      } catch (error) {
        const failure = upload.cancelled ?? asPeerError(error);
        end = { ...upload.info, error: failure };
        // Backstop for a lost ABORT: the requester hears over chat what went wrong here.
        if (!upload.cancelled && isOwnerSideFailure(failure)) refuse(failure.code, failure.message);
      }
      // The slot is free before anyone hears of the end (a listener may count what still runs).
      this.#active.delete(key);
      const seal = upload.seal && { seal: { ...upload.seal } };
      this.#link.ended(seal || upload.nat ? { ...end, ...seal, ...upload.nat?.report() } : end);
    } finally {
      this.#active.delete(key);
      // Once a sender exists it owns (and has closed) the file and the socket.
      if (!upload.sender) await Promise.allSettled([reader?.close(), socket?.close()]);
    }
  }

  /** The requester left the room: its uploads stop and free their slots. */
  requesterLeft(user: string): void {
    const key = nameKey(user);
    for (const upload of this.#active.values()) {
      if (upload.requesterKey === key) {
        this.#cancel(upload, new WhohasError('PEER_GONE', `${user} left the room`));
      }
    }
  }

  abortAll(reason: string): void {
    for (const upload of this.#active.values()) {
      this.#cancel(upload, new WhohasError('TRANSFER_ABORTED', reason));
    }
  }

  /** A hash from a verified send, or from hashing the file for a whohas answer. */
  #knownHash(path: string, reader: FileReader): Uint8Array | undefined {
    return this.#hashes.get(path, reader) ?? this.#content.get(path, reader)?.sha256;
  }

  #slotsTaken(): number {
    let taken = 0;
    for (const upload of this.#active.values()) if (upload.validated) taken++;
    return taken;
  }

  #pending(): number {
    return this.#active.size - this.#slotsTaken();
  }

  /**
   * The slot is taken when the requester proves its address, if one is still free then; a
   * requester that never answers START is dropped after VALIDATION_MS.
   */
  #awaitProof(upload: Upload, sender: TransferSender): void {
    const { clock } = this.#link.platform;
    const deadline = clock.setTimeout(() => {
      const message = `${upload.info.user} did not answer START within ${VALIDATION_MS} ms`;
      sender.abort(message, 'TRANSFER_TIMEOUT');
    }, VALIDATION_MS);
    sender.validated.then(
      () => {
        clock.clearTimeout(deadline);
        if (this.#slotsTaken() < this.#parallel) upload.validated = true;
        else this.#cancel(upload, new WhohasError('SLOTS_FULL', this.#slotsFull()));
      },
      () => clock.clearTimeout(deadline),
    );
  }

  #slotsFull(): string {
    return `all ${this.#parallel} upload slots are busy (--parallel ${this.#parallel}); try another peer or later`;
  }

  #cancel(upload: Upload, error: WhohasError): void {
    upload.cancelled = error;
    upload.nat?.close(error);
    upload.sender?.abort(error.message, error.code === 'SLOTS_FULL' ? 'SLOTS_FULL' : undefined);
  }
}

function asPeerError(error: unknown): WhohasError {
  if (isWhohasError(error)) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  return new WhohasError('IO_ERROR', code ? `${code}: ${text}` : text, { cause: error });
}
