/**
 * What one client sends: framing, the per-client input limits (token bucket, bad lines) and the
 * fair turns. Good lines go to the owner in order; refusals are answered here.
 */
import type { Clock, StreamSocket, TimerHandle } from '../platform/types.ts';
import type { ChatLimits } from './limits.ts';
import { type BadEncoding, decodeLine, LineFramer, type RawFrame } from './line-framer.ts';
import type { OutputBatch } from './output-batch.ts';
import type { MutableChatStats } from './stats.ts';
import { TokenBucket } from './token-bucket.ts';
import { CHEAP_LINE, type Turns } from './turns.ts';
import { errorLine } from './wire.ts';

export interface InboxHost {
  readonly clock: Clock;
  readonly limits: Readonly<ChatLimits>;
  readonly stats: MutableChatStats;
  readonly batch: OutputBatch;
  /** Bounds the work of one event-loop turn. */
  readonly turns: Turns;
  /** The encoded RATE_LIMITED line, shared: a flooder may earn thousands. */
  readonly rateLimitedReply: Buffer;
}

/** The session the lines belong to. */
export interface InboxOwner {
  readonly closing: boolean;
  /** What handling one line may cost: a broadcast to the owner's room. */
  readonly lineCost: number;
  /** Some line arrived (the keepalive's evidence of life). */
  heard(now: number): void;
  /** A decoded line within every limit. */
  line(text: string): void;
  send(line: string): void;
  sendEncoded(bytes: Buffer): void;
  /** Ends the connection for misbehaviour after `finalLine`. */
  dismiss(finalLine: string): void;
}

const ENCODING_TEXT: Record<BadEncoding, string> = {
  utf8: 'The line is not valid UTF-8',
  nul: 'The line contains a NUL byte',
  control: 'The line contains a control character',
  separator: 'The line contains a line or paragraph separator',
};

export class Inbox {
  readonly #socket: StreamSocket;
  readonly #host: InboxHost;
  readonly #owner: InboxOwner;
  readonly #framer: LineFramer;
  readonly #bucket: TokenBucket;
  #badLines = 0;
  /** Lines received and not handled yet (from #next on): they wait for a turn. */
  #input: RawFrame[] = [];
  #next = 0;
  #waitingTurn = false;
  #resumeTimer: TimerHandle | undefined;
  /** Armed while an unterminated read waits for its quiet time (the 2016 client). */
  #quietTimer: TimerHandle | undefined;

  constructor(socket: StreamSocket, host: InboxHost, owner: InboxOwner) {
    this.#socket = socket;
    this.#host = host;
    this.#owner = owner;
    this.#framer = new LineFramer(host.limits.maxLineBytes);
    const { rateLinesPerSecond, rateBurst } = host.limits;
    this.#bucket = new TokenBucket(rateLinesPerSecond, rateBurst, host.clock.now());
    socket.on('data', (chunk) => this.#onData(chunk));
  }

  /** The client ended its side: an unfinished last line is dropped, complete ones handled. */
  ended(): void {
    this.#framer.reset();
    if (this.#waitingTurn) this.#take(true);
  }

  /** No more input will be handled. */
  close(): void {
    this.#host.clock.clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
    this.#host.clock.clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    this.#input = [];
    this.#next = 0;
  }

  #onData(chunk: Buffer): void {
    if (this.#owner.closing) return;
    this.#host.stats.bytesIn += chunk.length;
    this.#deliver(this.#framer.push(chunk));
    this.#armQuietTime();
  }

  // A connection that never sent '\n' (the 2016 client) gets its unterminated read taken as a
  // line after a quiet time; each new read restarts it. Once a '\n' was seen, never again.
  #armQuietTime(): void {
    this.#host.clock.clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
    if (this.#framer.framedByNewlines || this.#owner.closing) return;
    this.#quietTimer = this.#host.clock.setTimeout(() => {
      this.#quietTimer = undefined;
      if (!this.#owner.closing) this.#deliver(this.#framer.flush());
    }, this.#host.limits.unterminatedQuietMs);
  }

  #deliver(frames: RawFrame[]): void {
    if (frames.length === 0) return;
    this.#owner.heard(this.#host.clock.now());
    if (this.#next < this.#input.length) this.#input.push(...frames);
    else {
      this.#input = frames;
      this.#next = 0;
    }
    if (!this.#waitingTurn) this.#take(false);
  }

  /** Handles the lines received, in order, while the turn's budget allows (`force`: all). */
  #take(force: boolean): void {
    const now = this.#host.clock.now();
    const turns = this.#host.turns;
    // Lines to a big room are written at the end of the turn, with every other sender's.
    const batch = this.#host.batch;
    const run = this.#owner.lineCost > CHEAP_LINE ? batch.runForTurn : batch.run;
    run.call(batch, () => {
      while (this.#next < this.#input.length && !this.#owner.closing) {
        if (!force && !turns.mayRun(this.#owner.lineCost)) {
          this.#waitTurn();
          return;
        }
        this.#handle(this.#input[this.#next++], now);
      }
    });
    if (this.#next >= this.#input.length) {
      this.#input = [];
      this.#next = 0;
    }
  }

  // The turn's budget is spent: read nothing more until a later turn has handled what is here.
  #waitTurn(): void {
    this.#waitingTurn = true;
    this.#socket.pause();
    this.#host.turns.wait(() => {
      this.#waitingTurn = false;
      if (this.#owner.closing) return;
      this.#take(false);
      this.#resumeReading();
    });
  }

  #handle(frame: RawFrame, now: number): void {
    this.#host.stats.linesIn += 1;
    if (!this.#bucket.take(now)) {
      this.#refuseRate(now);
      return;
    }
    if (frame.kind === 'too-long') {
      const limit = this.#host.limits.maxLineBytes;
      const text = `Lines are limited to ${limit} bytes; the rest of the line was discarded`;
      this.#refuseBadLine('LINE_TOO_LONG', text);
      return;
    }
    const line = decodeLine(frame.bytes);
    if (line.kind === 'line') this.#owner.line(line.text);
    else this.#refuseBadLine('BAD_ENCODING', ENCODING_TEXT[line.reason]);
  }

  /** Reads again unless over the rate or waiting for a turn. */
  #resumeReading(): void {
    if (!this.#waitingTurn && this.#resumeTimer === undefined) this.#socket.resume();
  }

  #refuseRate(now: number): void {
    const limits = this.#host.limits;
    this.#host.stats.linesRateLimited += 1;
    if (this.#bucket.refusedInEpisode >= limits.floodLimit) {
      this.#owner.dismiss(
        errorLine('FLOODING', 'Too many lines over the rate limit; disconnecting'),
      );
      return;
    }
    this.#owner.sendEncoded(this.#host.rateLimitedReply);
    this.#pauseUntilRefilled(now);
  }

  // Over its rate, a client is not read again until its bucket is full: TCP holds the rest back,
  // so a flooder costs the server one chunk per refill period, not one per packet.
  #pauseUntilRefilled(now: number): void {
    if (this.#resumeTimer !== undefined) return;
    const ms = this.#bucket.msUntilFull(now);
    if (!Number.isFinite(ms)) return;
    this.#socket.pause();
    this.#resumeTimer = this.#host.clock.setTimeout(() => {
      this.#resumeTimer = undefined;
      this.#resumeReading();
    }, ms);
  }

  #refuseBadLine(code: 'LINE_TOO_LONG' | 'BAD_ENCODING', text: string): void {
    this.#host.stats.badLines += 1;
    this.#badLines += 1;
    if (this.#badLines >= this.#host.limits.maxBadLines) {
      this.#owner.dismiss(errorLine(code, `${text}. Too many bad lines; disconnecting`));
    } else {
      this.#owner.send(errorLine(code, text));
    }
  }
}
