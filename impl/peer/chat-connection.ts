import { EventEmitter } from 'node:events';
import { decodeLine, LineFramer } from '../chat/line-framer.ts';
import type { StreamSocket } from '../platform/types.ts';

/** A server line longer than this is dropped rather than buffered without end. */
export const MAX_INCOMING_LINE_BYTES = 64 * 1024;

export interface ChatConnectionEvents {
  line: [line: string];
  /** The stream closed, for whatever reason; always the last event. */
  close: [reason: string];
}

/**
 * One line-oriented connection to the chat server. Lines out get their `\n` here; a line is
 * never written after the connection closed.
 */
export class ChatConnection extends EventEmitter<ChatConnectionEvents> {
  readonly #socket: StreamSocket;
  readonly #framer = new LineFramer(MAX_INCOMING_LINE_BYTES);
  #closed = false;
  #closeReason = 'connection closed';

  constructor(socket: StreamSocket) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk) => {
      // Oversize or badly encoded lines from the server are dropped: nothing could act on them.
      for (const frame of this.#framer.push(chunk)) {
        if (this.#closed) return;
        if (frame.kind !== 'raw') continue;
        const decoded = decodeLine(frame.bytes);
        if (decoded.kind === 'line') this.emit('line', decoded.text);
      }
    });
    socket.on('error', (error) => {
      this.#closeReason = `connection error: ${error.code ?? error.message}`;
    });
    socket.on('end', () => {
      this.#closeReason = 'the server closed the connection';
      socket.end();
    });
    socket.on('close', () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  get localAddress(): string {
    return this.#socket.localAddress;
  }

  /** Returns false when the connection is gone and the line was not sent. */
  send(line: string): boolean {
    if (this.#closed || this.#socket.destroyed) return false;
    this.#socket.write(`${line}\n`);
    return true;
  }

  /** Flushes what is queued, then closes. */
  end(): void {
    this.#closeReason = 'closed by this peer';
    this.#socket.end();
  }

  destroy(): void {
    this.#closeReason = 'closed by this peer';
    this.#socket.destroy();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close', this.#closeReason);
  }
}
