import { EventEmitter } from 'node:events';
import { decodeLine, LineFramer } from '../chat/line-framer.ts';
import { WhohasError } from '../errors.ts';
import type { StreamSocket } from '../platform/types.ts';

/** A server line longer than this is dropped rather than buffered without end. */
export const MAX_INCOMING_LINE_BYTES = 64 * 1024;

/**
 * Bytes of our lines the server has not taken yet (the socket's buffer and our own queue behind
 * it). A line the user sends past this fails with OUTBOX_FULL: the server has stopped reading.
 */
export const MAX_OUTBOX_BYTES = 64 * 1024;

/**
 * Automatic lines (answers to whohas, replies to getfile) are dropped once the outbox holds this
 * much, so what others ask of us never takes the room the user's own lines need.
 */
export const AUTOMATIC_OUTBOX_BYTES = MAX_OUTBOX_BYTES / 2;

/** What a whohas server's first line starts with. */
const SERVER_TAGS = ['OK|', 'ERROR|', 'INFO|'];
const HEAD_BYTES = Math.max(...SERVER_TAGS.map((tag) => tag.length));

export interface ChatConnectionEvents {
  line: [line: string];
  /**
   * The stream's first bytes cannot begin a whohas server line (`OK|`, `ERROR|`, `INFO|`): the
   * far end speaks something else. Emitted once, before any line; `start` is what it sent.
   */
  foreign: [start: string];
  /** The stream closed, for whatever reason; always the last event. */
  close: [reason: string];
}

/**
 * One line-oriented connection to the chat server. Lines out get their `\n` here; a line is
 * never written after the connection closed. Writes respect backpressure: once the socket says
 * it is full, lines wait in a bounded queue for 'drain', in order.
 */
export class ChatConnection extends EventEmitter<ChatConnectionEvents> {
  readonly #socket: StreamSocket;
  readonly #framer = new LineFramer(MAX_INCOMING_LINE_BYTES);
  /** Lines held back while the socket is over its high-water mark. */
  readonly #queue: Buffer[] = [];
  #queuedBytes = 0;
  #waitingForDrain = false;
  #ending = false;
  #droppedLines = 0;
  #closed = false;
  #closeReason = 'connection closed';
  /** The first bytes from the server, until they show it speaks whohas (then undefined). */
  #head: Buffer | undefined = Buffer.alloc(0);
  #foreign: string | undefined;

  constructor(socket: StreamSocket) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk) => {
      if (this.#head !== undefined && !this.#checkHead(chunk)) return;
      // Oversize or badly encoded lines from the server are dropped: nothing could act on them.
      for (const frame of this.#framer.push(chunk)) {
        if (this.#closed) return;
        if (frame.kind !== 'raw') continue;
        const decoded = decodeLine(frame.bytes);
        if (decoded.kind !== 'line') continue;
        // The server's keepalive: answered here, so no user of the connection has to.
        if (decoded.text.startsWith('PING|')) this.sendAutomatic(`PONG|${decoded.text.slice(5)}`);
        else this.emit('line', decoded.text);
      }
    });
    socket.on('drain', () => this.#flush());
    socket.on('error', (error) => {
      this.#closeReason = `connection error: ${error.code ?? error.message}`;
    });
    socket.on('end', () => {
      this.#closeReason = 'the server closed the connection';
      this.#ending = true;
      socket.end();
    });
    socket.on('close', () => this.#finish());
  }

  /**
   * Every whohas server starts its stream with a tagged line (docs/PROTOCOL.md, "Lines"): the
   * greeting `OK|...`, or `ERROR|...` when it refuses us. A 2016 server sends an untagged prompt
   * without a newline, so waiting for a line would only end at the login timeout: the first bytes
   * tell at once. False (and 'foreign' emitted) when they cannot begin a whohas line.
   */
  #checkHead(chunk: Buffer): boolean {
    const start = Buffer.concat([this.#head ?? Buffer.alloc(0), chunk]);
    const head = start.subarray(0, HEAD_BYTES);
    const text = head.toString('latin1');
    const fits = SERVER_TAGS.some((tag) => tag.startsWith(text) || text.startsWith(tag));
    if (!fits) {
      this.#head = undefined;
      this.#foreign = start.subarray(0, 80).toString('utf8');
      this.emit('foreign', this.#foreign);
      return false;
    }
    this.#head = SERVER_TAGS.some((tag) => text.startsWith(tag)) ? undefined : head;
    return true;
  }

  /** What the server sent first, if it was not whohas (see 'foreign'). */
  get foreign(): string | undefined {
    return this.#foreign;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get localAddress(): string {
    return this.#socket.localAddress;
  }

  get remoteAddress(): string {
    return this.#socket.remoteAddress;
  }

  /** Bytes written and not yet taken by the server, our queue included. */
  get outboxBytes(): number {
    return this.#socket.writableLength + this.#queuedBytes;
  }

  /** Automatic lines dropped because the outbox was past AUTOMATIC_OUTBOX_BYTES. */
  get droppedLines(): number {
    return this.#droppedLines;
  }

  /**
   * Sends a line the user asked for. Returns false when the connection is gone; throws
   * OUTBOX_FULL when the server has left MAX_OUTBOX_BYTES of ours unread.
   */
  send(line: string): boolean {
    if (!this.#open) return false;
    const bytes = Buffer.from(`${line}\n`);
    if (!this.#fits(bytes, MAX_OUTBOX_BYTES)) {
      throw new WhohasError(
        'OUTBOX_FULL',
        `the chat server has not read our last ${this.outboxBytes} bytes (limit ${MAX_OUTBOX_BYTES}); line not sent`,
      );
    }
    this.#write(bytes);
    return true;
  }

  /**
   * Sends a line the peer produced by itself. Past AUTOMATIC_OUTBOX_BYTES it is dropped and
   * counted instead; false when dropped or the connection is gone.
   */
  sendAutomatic(line: string): boolean {
    if (!this.#open) return false;
    const bytes = Buffer.from(`${line}\n`);
    if (!this.#fits(bytes, AUTOMATIC_OUTBOX_BYTES)) {
      this.#droppedLines += 1;
      return false;
    }
    this.#write(bytes);
    return true;
  }

  /** Flushes what is queued (ours and the socket's), then closes. */
  end(): void {
    this.#closeReason = 'closed by this peer';
    this.#ending = true;
    if (this.#queue.length === 0) this.#socket.end();
  }

  destroy(): void {
    this.#closeReason = 'closed by this peer';
    this.#socket.destroy();
  }

  get #open(): boolean {
    return !this.#closed && !this.#ending && !this.#socket.destroyed;
  }

  /** An empty outbox takes any line: a single long line is the server's to refuse. */
  #fits(bytes: Buffer, limit: number): boolean {
    const queued = this.outboxBytes;
    return queued === 0 || queued + bytes.length <= limit;
  }

  #write(bytes: Buffer): void {
    if (this.#waitingForDrain) {
      this.#queue.push(bytes);
      this.#queuedBytes += bytes.length;
    } else if (!this.#socket.write(bytes)) {
      this.#waitingForDrain = true;
    }
  }

  #flush(): void {
    this.#waitingForDrain = false;
    while (!this.#waitingForDrain && this.#queue.length > 0) {
      const bytes = this.#queue.shift() as Buffer;
      this.#queuedBytes -= bytes.length;
      this.#waitingForDrain = !this.#socket.write(bytes);
    }
    if (this.#ending && this.#queue.length === 0) this.#socket.end();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.emit('close', this.#closeReason);
  }
}
