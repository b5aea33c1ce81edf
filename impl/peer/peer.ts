/**
 * A whohas peer: the chat client of one user, its share folder, and the whohas/getfile protocol
 * (docs/PROTOCOL.md) on top: it answers by itself, downloads by content, runs on any Platform.
 */
import { EventEmitter } from 'node:events';
import type { Scheme } from '../arq/codec.ts';
import { WhohasError } from '../errors.ts';
import type { Platform } from '../platform/types.ts';
import { Answers } from './answers.ts';
import { ContentCache } from './content.ts';
import { Downloads } from './downloads.ts';
import { fetchContent } from './fetch-content.ts';
import { checkArq, checkPacketSize, checkWindow, type ServerAddress } from './limits.ts';
import { runLocalCommand } from './local.ts';
import { requireFileName } from './names.ts';
import { PeerNat } from './nat-link.ts';
import { Offers } from './offers.ts';
import { Partials } from './partials.ts';
import { peerLink } from './peer-link.ts';
import {
  type PeerEvents,
  type PeerOptions,
  type PeerSettings,
  type PeerState,
  resolvePeerOptions,
} from './peer-options.ts';
import { ReplyBudget } from './reply-budget.ts';
import { verifyRoom } from './room-pins.ts';
import { ChatSession } from './session.ts';
import { ShareFolder, type ShareStatus } from './share-folder.ts';
import type { DownloadOptions, DownloadResult, Responder, TransferInfo } from './types.ts';
import { Uploads } from './uploads.ts';
import { parseUserLine } from './user-line.ts';

export type { PeerEvents, PeerOptions, PeerState } from './peer-options.ts';

export class Peer extends EventEmitter<PeerEvents> {
  readonly platform: Platform;
  readonly name: string;
  readonly shareFolder: ShareFolder;
  #window: number;
  readonly #settings: PeerSettings;
  #arq: Scheme;
  readonly #session: ChatSession;
  readonly #answers: Answers;
  readonly #offers: Offers;
  readonly #uploads: Uploads;
  readonly #downloads: Downloads;
  readonly #partials: Partials;
  readonly #replies: ReplyBudget;
  readonly #nat: PeerNat | undefined;
  readonly #tasks = new Set<Promise<unknown>>();
  #folderReady: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: PeerOptions) {
    super();
    const settings = resolvePeerOptions(options);
    this.#settings = settings;
    this.platform = options.platform;
    this.name = options.name;
    this.#window = settings.window;
    this.#arq = settings.arq;
    const { platform } = options;
    this.shareFolder = new ShareFolder(platform.fs, options.folder, { share: options.share });
    const session = ChatSession.forPeer(options, settings.loginTimeoutMs);
    this.#session = session;
    const automatic = (line: string) => session.sendAutomatic(line);
    this.#replies = new ReplyBudget(platform.clock, automatic, settings.replyBudget);
    this.#answers = new Answers(platform.clock);
    this.#nat = settings.nat && new PeerNat(platform, settings.nat, session);
    const link = peerLink(this, settings, session, this.#replies, this.#nat);
    const content = new ContentCache(platform.fs, settings.chunkBytes);
    this.#offers = new Offers(link, this.shareFolder, content);
    this.#uploads = new Uploads(link, this.shareFolder, settings.parallel, content);
    this.#downloads = new Downloads(link);
    this.#partials = new Partials(platform.fs, settings.stalePartialMs);
    session.on('line', (line) => this.emit('line', line));
    session.on('room-line', (line) => this.#dispatch(line));
    session.on('left', (user) => {
      this.#downloads.ownerLeft(user);
      this.#uploads.requesterLeft(user);
      this.#replies.forget(user);
    });
    session.on('gone', (error) => {
      this.#downloads.serverGone(error.message);
      this.#answers.serverGone(error);
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
  }

  get state(): PeerState {
    return this.#session.state;
  }
  get room(): string | undefined {
    return this.#session.room;
  }
  /** The server actually connected to. */
  get server(): ServerAddress | undefined {
    return this.#session.server;
  }
  /** The other users of the room, in the order we learned of them. */
  get members(): string[] {
    return this.#session.members;
  }
  get window(): number {
    return this.#window;
  }
  /** The window our downloads ask for (the owner sends with the requester's window). */
  setWindow(window: number): void {
    this.#window = checkWindow(window);
  }
  /** The ARQ scheme our downloads ask for (the owner sends with the requester's scheme). */
  get arq(): Scheme {
    return this.#arq;
  }
  setArq(arq: Scheme): void {
    this.#arq = checkArq(arq);
  }
  get packetSize(): number {
    return this.#settings.packetSize;
  }
  get parallel(): number {
    return this.#uploads.parallel;
  }
  get uploads(): TransferInfo[] {
    return this.#uploads.active;
  }
  get downloads(): TransferInfo[] {
    return this.#downloads.active;
  }
  /** Our address as the STUN server saw it (NAT traversal on and STUN answered), else undefined. */
  get reflexive(): { address: string; port: number } | undefined {
    return this.#nat?.reflexive;
  }
  /** Automatic lines (answers to whohas, replies to getfile) dropped on a full outbox. */
  get droppedLines(): number {
    return this.#session.droppedLines;
  }
  setShare(file: string, on: boolean): void {
    this.shareFolder.setShared(file, on);
  }
  setGlobalShare(on: boolean): void {
    this.shareFolder.setGlobal(on);
  }
  async shareStatus(): Promise<ShareStatus> {
    await this.#openFolder();
    return this.shareFolder.status();
  }

  /** Connects (trying the 2016 ports when no server was given) and logs in with our name. */
  async connect(): Promise<void> {
    await this.#openFolder();
    await this.#session.connect();
    this.#nat?.start(); // in the background: a peer without a reflexive address still works
  }

  /** Creates `room` (private with a password). A refusal leaves the peer idle: connect() again. */
  async create(room: string, options: { password?: string } = {}): Promise<void> {
    await this.#session.create(room, options.password);
    await this.#verifyRoom(room, options.password, true);
  }

  /**
   * Joins `room`. A refusal (NO_SUCH_ROOM, WRONG_PASSWORD...) leaves the peer idle; a room that is
   * not the one trusted (ROOM_NOT_PRIVATE, ROOM_CHANGED: docs/PROTOCOL.md) closes it.
   */
  async join(room: string, options: { password?: string } = {}): Promise<void> {
    await this.#session.join(room, options.password);
    await this.#verifyRoom(room, options.password, false);
  }

  /** Joins `room`, creating it when it does not exist. */
  async joinOrCreate(
    room: string,
    options: { password?: string } = {},
  ): Promise<'joined' | 'created'> {
    const how = await this.#session.joinOrCreate(room, options.password);
    await this.#verifyRoom(room, options.password, how === 'created');
    return how;
  }

  /** A typed line: `@me|...` commands run here (resolving to their replies), others go out. */
  async send(line: string): Promise<string[]> {
    const local = await runLocalCommand(this, line);
    if (local) return local;
    this.#session.requireRoom();
    this.#session.send(line);
    return [];
  }

  /** Who shares `file`, in arrival order, after the wait (or once answers settle: settleMs). */
  whohas(file: string, options: { waitMs?: number; settleMs?: number } = {}): Promise<Responder[]> {
    requireFileName(file);
    this.#session.requireRoom();
    const { waitMs = this.#settings.whohasWaitMs, settleMs } = options;
    return this.#answers.ask(this.#session, file, waitMs, undefined, settleMs);
  }

  /**
   * Downloads `file` by content (fetch-content.ts): in chunks from several owners when they
   * announce a tree, else from the responders in turn (or the named user, asked first).
   */
  async getFile(
    from: string | readonly Responder[],
    file: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    requireFileName(file);
    const window = checkWindow(options.window ?? this.#window);
    const packetSize = checkPacketSize(options.packetSize ?? this.#settings.packetSize);
    this.#session.requireRoom();
    let responders: readonly Responder[];
    if (typeof from === 'string') {
      const waitMs = options.waitMs ?? this.#settings.whohasWaitMs;
      responders = await this.#answers.askOwner(this.#session, this.name, from, file, waitMs);
    } else if (from.some((responder) => responder.file !== file)) {
      throw new WhohasError('BAD_ARGUMENT', `every responder must offer ${file}`);
    } else responders = from;
    const arq = checkArq(options.arq ?? this.#arq);
    const settings = { window, packetSize, arq, outDir: options.outDir ?? this.shareFolder.path };
    await this.#partials.sweep(settings.outDir);
    const { fs, clock } = this.platform;
    const [downloads, isMember] = [this.#downloads, (u: string) => this.#session.isMember(u)];
    return this.#track(
      fetchContent({ downloads, fs, clock, file, responders, settings, options, isMember }),
    );
  }

  /** Leaves the room (`@server|exit`), aborts running transfers and waits for them to end. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#uploads.abortAll('the peer is closing');
    this.#replies.close();
    this.#nat?.close();
    this.#downloads.abortAll('the peer is closing');
    this.#closing = this.#downloads
      .lingerDone()
      .then(() => this.#session.close())
      .then(async () => {
        await Promise.allSettled([...this.#tasks]);
      });
    return this.#closing;
  }

  #dispatch(line: string): void {
    if (line.startsWith('ERROR|RATE_LIMITED|')) {
      this.#offers.rateLimited();
      return;
    }
    if (this.#nat?.handleLine(line)) return;
    const parsed = parseUserLine(line);
    if (parsed === undefined) return;
    const { from, message } = parsed;
    switch (message?.kind) {
      case 'whohas':
        this.#track(this.#offers.answer(from, message.file));
        break;
      case 'have':
        this.#answers.deliver(from, message);
        break;
      case 'getfile':
        this.#track(this.#uploads.handle(from, message));
        break;
      case 'bad-request':
        this.#uploads.refuseBad(from, message);
        break;
      case 'sending':
      case 'refused':
      case 'delivered':
        this.#downloads.handleReply(from, message);
        break;
    }
  }

  #verifyRoom(room: string, password: string | undefined, created: boolean): Promise<void> {
    const { loginTimeoutMs, roomPins: pins, acceptRoomChange: acceptChange } = this.#settings;
    const check = { room, created, password: password !== undefined, pins, acceptChange };
    return verifyRoom(this.#session, this.platform.clock, loginTimeoutMs, check);
  }

  #openFolder(): Promise<void> {
    this.#folderReady ??= this.shareFolder
      .open()
      .then(() => this.#partials.sweep(this.shareFolder.path).then(() => undefined));
    return this.#folderReady;
  }

  #track<T>(task: Promise<T>): Promise<T> {
    this.#tasks.add(task);
    const forget = () => this.#tasks.delete(task);
    task.then(forget, forget);
    return task;
  }
}
