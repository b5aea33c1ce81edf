import { TransferReceiver } from '../arq/driver-receiver.ts';
import type { TransferStats } from '../arq/stats.ts';
import { nameKey } from '../chat/wire.ts';
import { type ErrorCode, WhohasError } from '../errors.ts';
import { datagramTypeFor } from '../platform/family.ts';
import type { DownloadSettings, Piece } from './download-piece.ts';
import { asWhohasError, reportProgress } from './download-progress.ts';
import { landingName } from './landing-name.ts';
import { Lingering } from './lingering.ts';
import {
  type DeliveredMessage,
  encodeFileMessage,
  MAX_TRANSFER_ID,
  type RefusedMessage,
  type SendingMessage,
} from './messages.ts';
import { NatPath, type NatReport } from './nat-path.ts';
import { matchReply } from './reply-match.ts';
import { SealedDownload } from './transfer-seal.ts';
import type {
  AttemptFailure,
  DownloadOptions,
  DownloadResult,
  PeerLink,
  Responder,
  TransferEnd,
  TransferInfo,
} from './types.ts';

interface Attempt {
  info: TransferInfo;
  ownerKey: string;
  accepted: boolean;
  receiver: TransferReceiver;
  /** The reason this attempt was stopped from outside, reported instead of the receiver's own. */
  stopped: WhohasError | undefined;
  /** Present when the transfer is sealed. */
  sealed: SealedDownload | undefined;
  /** Present when it may traverse NATs (candidates and a probe token went in getfile). */
  nat: NatPath | undefined;
}

export type { DownloadSettings, Piece } from './download-piece.ts';

export class Downloads {
  readonly #link: PeerLink;
  readonly #attempts = new Map<number, Attempt>();
  readonly #lingering = new Lingering();
  #stopAll: WhohasError | undefined;

  constructor(link: PeerLink) {
    this.#link = link;
  }

  get active(): TransferInfo[] {
    return [...this.#attempts.values()].map((attempt) => attempt.info);
  }

  /** Tries each responder in order until one delivers the file. */
  async fetch(
    responders: readonly Responder[],
    settings: DownloadSettings,
    options: DownloadOptions,
    isMember: (user: string) => boolean,
  ): Promise<DownloadResult> {
    if (responders.length === 0) {
      throw new WhohasError('NO_RESPONDERS', 'nobody offered the file');
    }
    const failures: AttemptFailure[] = [];
    for (const responder of responders) {
      if (this.#stopAll) throw this.#stopAll;
      try {
        if (!isMember(responder.user)) {
          throw new WhohasError('PEER_GONE', `${responder.user} is not in the room`);
        }
        const sha256 = responder.sha256 === undefined ? {} : { sha256: responder.sha256 };
        const { path, stats, ...nat } = await this.#attempt(responder, settings, options, sha256);
        const route = nat.route ? { route: nat.route, pair: nat.pair } : {};
        return { path, stats, from: responder, failures, sources: [], resumedBytes: 0, ...route };
      } catch (error) {
        const failure = asWhohasError(error);
        // These would stop every other responder too: say so now, not once per responder.
        if (failure.code === 'SERVER_GONE' || failure.code === 'OUTBOX_FULL' || this.#stopAll) {
          throw this.#stopAll ?? failure;
        }
        failures.push({ user: responder.user, error: failure });
      }
    }
    const reasons = failures.map((f) => `${f.user}: ${f.error.code} (${f.error.message})`);
    throw new WhohasError(
      'ALL_RESPONDERS_FAILED',
      `no responder could deliver ${responders[0].file}: ${reasons.join('; ')}`,
      { cause: failures },
    );
  }

  /** Every finished download stopped lingering: leaving before could fail an owner's upload. */
  lingerDone(): Promise<void> {
    return this.#lingering.done();
  }

  /** `sending`, `refused` or `delivered` (heard our final ACK: stop lingering) from an owner. */
  handleReply(owner: string, reply: SendingMessage | RefusedMessage | DeliveredMessage): void {
    if (reply.kind === 'delivered') {
      this.#lingering.delivered(owner, reply.transferId);
      return;
    }
    const attempt = this.#match(owner, reply);
    if (!attempt) return;
    if (reply.kind === 'sending') {
      attempt.accepted = true;
      attempt.info = { ...attempt.info, size: reply.size };
      const { nat, receiver } = attempt;
      // The owner punches: so do we, and its datagrams come from the pair the punch finds.
      if (nat && reply.cand) {
        nat.follow(attempt.info, reply.cand, receiver, (error) => this.#stop(attempt, error));
      } // Lock on to the owner's announced datagram port, not merely the first one heard from.
      else if (reply.port >= 1 && reply.port <= 65_535) receiver.lockPeerPort(reply.port);
      // Until the owner's signed key is checked (and pinned) its datagrams wait unopened.
      attempt.sealed
        ?.accept(reply.seal, this.#link.session.server)
        .catch((error: unknown) => this.#stop(attempt, asWhohasError(error)));
      return;
    }
    this.#stop(
      attempt,
      new WhohasError(reply.code as ErrorCode, `${owner} refused ${reply.file}: ${reply.reason}`),
    );
  }

  ownerLeft(user: string): void {
    const key = nameKey(user);
    for (const attempt of this.#attempts.values()) {
      if (attempt.ownerKey === key) {
        this.#stop(
          attempt,
          new WhohasError('PEER_GONE', `${user} left the room during the transfer`),
        );
      }
    }
  }

  /** Requests still waiting for the owner's answer cannot get one any more. */
  serverGone(reason: string): void {
    for (const attempt of this.#attempts.values()) {
      if (!attempt.accepted) this.#stop(attempt, new WhohasError('SERVER_GONE', reason));
    }
  }

  abortAll(reason: string): void {
    this.#stopAll = new WhohasError('TRANSFER_ABORTED', reason);
    for (const attempt of this.#attempts.values()) this.#stop(attempt, this.#stopAll);
  }

  /** One piece of a file from one owner (no fallback: the caller picks the next owner). */
  piece(
    responder: Responder,
    settings: DownloadSettings,
    piece: Piece,
  ): Promise<{ path: string; stats: TransferStats } & Partial<NatReport>> {
    if (this.#stopAll) return Promise.reject(this.#stopAll);
    return this.#attempt(responder, settings, {}, piece.request, piece);
  }

  async #attempt(
    responder: Responder,
    settings: DownloadSettings,
    options: DownloadOptions,
    content: Piece['request'],
    piece?: Piece,
  ): Promise<{ path: string; stats: TransferStats } & Partial<NatReport>> {
    const { platform } = this.#link;
    const dir = piece?.dir ?? settings.outDir;
    await platform.fs.mkdir(dir);
    const socket = platform.dgram.createSocket(datagramTypeFor(this.#link.localAddress()));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let attempt: Attempt | undefined;
    let receiver: TransferReceiver | undefined;
    let nat: NatPath | undefined;
    try {
      const bound = await socket.bind(0, this.#link.localAddress());
      const transferId = this.#freshTransferId();
      nat = await NatPath.open(this.#link.nat, platform, socket, bound);
      const channel = nat?.channel ?? socket;
      const { seal, session } = this.#link;
      const context = {
        requester: session.name,
        owner: responder.user,
        file: responder.file,
        transferId,
      };
      const sealed = seal && new SealedDownload(seal, platform.random, channel, context);
      receiver = new TransferReceiver({
        platform: piece?.fs ? { ...platform, fs: piece.fs } : platform,
        socket: sealed?.socket ?? channel,
        peerAddress: responder.address,
        transferId,
        dir,
        name: piece?.name ?? (await landingName(platform.fs, dir, responder.file)),
        options: {
          ...this.#link.transferOptions,
          window: settings.window,
          packetSize: settings.packetSize,
          arq: settings.arq,
        },
      });
      attempt = {
        info: {
          direction: 'download',
          user: responder.user,
          file: responder.file,
          transferId,
          size: responder.size,
          window: settings.window,
          packetSize: settings.packetSize,
          arq: settings.arq,
        },
        ownerKey: nameKey(responder.user),
        accepted: false,
        receiver,
        stopped: this.#stopAll,
        sealed,
        nat,
      };
      this.#attempts.set(transferId, attempt);
      this.#link.started(attempt.info);
      const request = encodeFileMessage({
        kind: 'getfile',
        file: responder.file,
        address: bound.address,
        port: bound.port,
        transferId,
        window: settings.window,
        packetSize: settings.packetSize,
        arq: settings.arq,
        ...content,
        ...(sealed ? { seal: sealed.offer } : {}),
        ...(nat ? { cand: nat.candidates, punch: nat.token } : {}),
      });
      const running = attempt;
      piece?.onStart?.(
        (error) => this.#stop(running, error),
        () => running.receiver.stats,
      );
      if (attempt.stopped) this.#stop(attempt, attempt.stopped);
      else this.#request(attempt, request);
      const progress = options.onProgress
        ? reportProgress(this.#link.platform.clock, running, options.onProgress)
        : undefined;
      try {
        const result = await receiver.done;
        this.#lingering.add(responder.user, transferId, receiver, socketClosed);
        this.#finish(attempt, { ...attempt.info, stats: result.stats, path: result.path });
        return { ...result, ...nat?.report() };
      } finally {
        progress?.stop();
      }
    } catch (error) {
      const failure = attempt?.stopped ?? asWhohasError(error);
      if (attempt) this.#finish(attempt, { ...attempt.info, error: failure });
      throw failure;
    } finally {
      // Once a receiver exists it owns the socket (and lingers on it to re-acknowledge FIN).
      if (!receiver) await (nat?.channel ?? socket).close().catch(() => undefined);
    }
  }

  /** Sends getfile; when it cannot leave (no connection, a full outbox) the attempt stops. */
  #request(attempt: Attempt, request: string): void {
    try {
      if (this.#link.sendTo(attempt.info.user, request)) return;
      this.#stop(attempt, new WhohasError('SERVER_GONE', 'the server connection is gone'));
    } catch (error) {
      this.#stop(attempt, asWhohasError(error));
    }
  }

  #match(owner: string, reply: SendingMessage | RefusedMessage): Attempt | undefined {
    return matchReply(this.#attempts, owner, reply);
  }

  /** Forgets the attempt, then reports its end: a listener never sees it still running. */
  #finish(attempt: Attempt, end: TransferEnd): void {
    this.#attempts.delete(attempt.info.transferId);
    const seal = attempt.sealed && { ...attempt.sealed.socket.stats };
    this.#link.ended({ ...end, ...(seal ? { seal } : {}), ...attempt.nat?.ended(end.error) });
  }

  #stop(attempt: Attempt, error: WhohasError): void {
    attempt.stopped ??= error;
    attempt.receiver.abort(error.message);
  }

  #freshTransferId(): number {
    for (;;) {
      const id = this.#link.platform.random.int(0, MAX_TRANSFER_ID);
      if (!this.#attempts.has(id)) return id;
    }
  }
}
