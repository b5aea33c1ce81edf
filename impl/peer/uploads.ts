/**
 * The owner's side of getfile: judge the request, hold an upload slot, run a TransferSender, and
 * say clearly why when the answer is no. A refusal never costs the slot of another upload.
 */

import { TransferSender } from '../arq/driver-sender.ts';
import { nameKey } from '../chat/wire.ts';
import { type ErrorCode, isWhohasError, WhohasError } from '../errors.ts';
import type { DatagramSocket, FileReader } from '../platform/types.ts';
import { type BadRequest, encodeFileMessage, type GetfileMessage, refusalFor } from './messages.ts';
import type { ShareFolder } from './share-folder.ts';
import type { PeerLink, TransferEnd, TransferInfo } from './types.ts';

interface Upload {
  info: TransferInfo;
  requesterKey: string;
  sender: TransferSender | undefined;
  /** Set when the upload is cancelled before its sender exists. */
  cancelled: WhohasError | undefined;
}

export class Uploads {
  readonly #link: PeerLink;
  readonly #share: ShareFolder;
  #parallel: number;
  /** Keyed by requester and transfer id; insertion order is arrival order. */
  readonly #active = new Map<string, Upload>();

  constructor(link: PeerLink, share: ShareFolder, parallel: number) {
    this.#link = link;
    this.#share = share;
    this.#parallel = parallel;
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
    if (this.#active.size >= this.#parallel) {
      refuse(
        'SLOTS_FULL',
        `all ${this.#parallel} upload slots are busy (--parallel ${this.#parallel}); try another peer or later`,
      );
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
      requesterKey: nameKey(requester),
      sender: undefined,
      cancelled: undefined,
    };
    // The slot is taken before the first await, so concurrent requests cannot overbook it.
    this.#active.set(key, upload);
    let reader: FileReader | undefined;
    let socket: DatagramSocket | undefined;
    try {
      try {
        const opened = await this.#share.openShared(request.file);
        reader = opened.reader;
        upload.info = { ...upload.info, size: opened.file.size };
        socket = this.#link.platform.dgram.createSocket();
        const bound = await socket.bind(0, this.#link.localAddress());
        if (upload.cancelled) throw upload.cancelled;
        upload.sender = new TransferSender({
          platform: this.#link.platform,
          socket,
          peer: { address: request.address, port: request.port },
          transferId: request.transferId,
          file: reader,
          options: {
            ...this.#link.transferOptions,
            window: request.window,
            packetSize: request.packetSize,
            arq: request.arq,
          },
        });
        this.#link.reply(
          requester,
          encodeFileMessage({
            kind: 'sending',
            file: request.file,
            transferId: request.transferId,
            size: upload.info.size,
            port: bound.port,
          }),
        );
      } catch (error) {
        // A requester that already left hears nothing; anyone else learns why.
        if (!upload.cancelled) {
          const failure = asPeerError(error);
          refuse(failure.code, failure.message);
        }
        return;
      }
      this.#link.started(upload.info);
      let end: TransferEnd;
      try {
        end = { ...upload.info, stats: await upload.sender.done };
      } catch (error) {
        end = { ...upload.info, error: upload.cancelled ?? asPeerError(error) };
      }
      // The slot is free before anyone hears of the end (a listener may count what still runs).
      this.#active.delete(key);
      this.#link.ended(end);
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

  #cancel(upload: Upload, error: WhohasError): void {
    upload.cancelled = error;
    upload.sender?.abort(error.message);
  }
}

function asPeerError(error: unknown): WhohasError {
  if (isWhohasError(error)) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  return new WhohasError('IO_ERROR', code ? `${code}: ${text}` : text, { cause: error });
}
