/**
 * One client connection: framing, the per-client limits, the capped outbox and the ways a
 * connection ends. What a good line means is the host's business (login dialog or routing).
 */
import type { StreamSocket, TimerHandle } from '../platform/types.ts';
import { Keepalive } from './keepalive.ts';
import { type BadEncoding, decodeLine, LineFramer, type RawFrame } from './line-framer.ts';
import { Outbox, type OutboxHost } from './outbox.ts';
import type { Member, Registry, Room } from './rooms.ts';
import { TokenBucket } from './token-bucket.ts';
import type { Turns } from './turns.ts';
import { errorLine } from './wire.ts';

export interface SessionHost extends OutboxHost {
  readonly registry: Registry;
  /** Bounds the work of one event-loop turn. */
  readonly turns: Turns;
  /** The encoded RATE_LIMITED line, shared: a flooder may earn thousands. */
  readonly rateLimitedReply: Buffer;
  log(line: string): void;
  /** A decoded line within every limit. */
  onLine(session: Session, text: string): void;
  /** The socket is gone; the session will not be heard from again. */
  onClosed(session: Session): void;
}

/** The `User <name> ...` endings of the INFO|LEFT notices. */
export const LEFT = {
  exit: 'has left',
  vanished: 'disconnected',
  removed: 'was removed by the server',
} as const;

const ENCODING_TEXT: Record<BadEncoding, string> = {
  utf8: 'The line is not valid UTF-8',
  nul: 'The line contains a NUL byte',
  control: 'The line contains a control character',
  separator: 'The line contains a line or paragraph separator',
};

export class Session implements Member {
  readonly id: number;
  /** `address:port` of the client, for logs. */
  readonly peer: string;
  /** The client's address, for the per-address limits. */
  readonly address: string;
  /** When the connection was accepted (platform clock). */
  readonly openedAt: number;
  username: string | undefined;
  room: Room | undefined;
  readonly #socket: StreamSocket;
  readonly #host: SessionHost;
  readonly #framer: LineFramer;
  readonly #bucket: TokenBucket;
  #badLines = 0;
  #closing = false;
  /** Lines received and not handled yet (from #next on): they wait for a turn. */
  #input: RawFrame[] = [];
  #next = 0;
  #waitingTurn = false;
  readonly #outbox: Outbox;
  #resumeTimer: TimerHandle | undefined;
  #loginTimer: TimerHandle | undefined;
  #graceTimer: TimerHandle | undefined;
  #keepalive: Keepalive | undefined;

  constructor(id: number, socket: StreamSocket, host: SessionHost) {
    this.id = id;
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.address = socket.remoteAddress;
    this.openedAt = host.clock.now();
    this.#socket = socket;
    this.#host = host;
    this.#framer = new LineFramer(host.limits.maxLineBytes);
    this.#bucket = new TokenBucket(
      host.limits.rateLinesPerSecond,
      host.limits.rateBurst,
      host.clock.now(),
    );
    this.#outbox = new Outbox(socket, host, (why) => this.cutOff('OUTBOX_FULL', why));
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => host.log(`#${id} ${this.peer} socket error ${error.code}`));
    socket.on('close', () => this.#onClose());
    // Dead peers the application keepalive cannot reach (no session yet) still get found.
    if (Number.isFinite(host.limits.tcpKeepAliveMs)) {
      socket.setKeepAlive(true, host.limits.tcpKeepAliveMs);
    }
  }

  /** `busy`: the short deadline of a server under pressure. */
  startLoginTimer(ms: number, busy: boolean): void {
    if (!Number.isFinite(ms)) return;
    this.#loginTimer = this.#host.clock.setTimeout(() => {
      this.#loginTimer = undefined;
      this.dismiss(loginTimeoutLine(ms, busy));
    }, ms);
  }

  /** A full server ends this dialog to let a newcomer in; the client gets no grace. */
  evict(): void {
    const ms = this.#host.limits.pressureLoginTimeoutMs;
    this.#host.log(`#${this.id} ${this.peer} evicted: login not finished within ${ms} ms`);
    this.end(loginTimeoutLine(ms, true), LEFT.removed, 0);
  }

  /** Logged in: from now on silence is answered with PING, and PING with a line. */
  startKeepalive(): void {
    const { pingIdleMs, pingTimeoutMs } = this.#host.limits;
    this.#keepalive = new Keepalive(
      this.#host.clock,
      pingIdleMs,
      pingTimeoutMs,
      (line) => this.send(line),
      () => {
        this.#host.stats.pingTimeouts += 1;
        const text = `No reply to PING within ${pingTimeoutMs} ms; disconnecting`;
        this.#host.log(`#${this.id} ${this.peer} ${this.username} did not answer PING`);
        this.end(errorLine('PING_TIMEOUT', text), LEFT.vanished);
      },
    );
  }

  stopLoginTimer(): void {
    this.#host.clock.clearTimeout(this.#loginTimer);
    this.#loginTimer = undefined;
  }

  send(line: string): void {
    this.sendEncoded(Buffer.from(`${line}\n`));
  }

  sendEncoded(bytes: Buffer): void {
    if (!this.#closing) this.#outbox.send(bytes);
  }

  /** Writes what was gathered during a batch. */
  flush(): void {
    this.#outbox.flush();
  }

  /**
   * The server ends the connection: `finalLine` is the last thing it sends. The others in the
   * room hear `User <name> <notice>` (no notice if null).
   */
  end(
    finalLine: string | undefined,
    notice: string | null = LEFT.removed,
    graceMs = this.#host.limits.closeGraceMs,
  ): void {
    if (this.#closing) return;
    if (finalLine !== undefined) this.send(finalLine);
    this.flush();
    if (this.#closing) return; // that last output overflowed the outbox: already cut off
    this.#closing = true;
    this.#keepalive?.stop();
    this.#depart(notice);
    this.#socket.end();
    if (Number.isFinite(graceMs)) {
      this.#graceTimer = this.#host.clock.setTimeout(() => this.#socket.destroy(), graceMs);
    }
  }

  /** Ends the connection for misbehaviour (counted in stats.cutOff), saying why. */
  dismiss(finalLine: string): void {
    if (this.#closing) return;
    this.#host.stats.cutOff += 1;
    this.#host.log(`#${this.id} ${this.peer} dismissed: ${finalLine}`);
    this.end(finalLine, LEFT.removed);
  }

  /** Drops the connection at once, queued bytes and all (the client is not reading). */
  cutOff(code: 'OUTBOX_FULL', why: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#outbox.close();
    this.#keepalive?.stop();
    this.#host.stats.cutOff += 1;
    this.#host.log(`#${this.id} ${this.peer} cut off (${code}): ${why}`);
    this.#depart(LEFT.removed);
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#closing) return;
    this.#host.stats.bytesIn += chunk.length;
    const frames = this.#framer.push(chunk);
    if (frames.length === 0) return;
    this.#keepalive?.heard(this.#host.clock.now());
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
    this.#host.batch.run(() => {
      while (this.#next < this.#input.length && !this.#closing) {
        // A line's cost: what a broadcast to the room would take.
        if (!force && !turns.mayRun(1 + (this.room?.members.size ?? 0))) {
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
      if (this.#closing) return;
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
      this.#refuseBadLine('LINE_TOO_LONG', this.#tooLongText);
      return;
    }
    const line = decodeLine(frame.bytes);
    if (line.kind === 'line') this.#host.onLine(this, line.text);
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
      this.dismiss(errorLine('FLOODING', 'Too many lines over the rate limit; disconnecting'));
      return;
    }
    this.sendEncoded(this.#host.rateLimitedReply);
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

  get #tooLongText(): string {
    const limit = this.#host.limits.maxLineBytes;
    return `Lines are limited to ${limit} bytes; the rest of the line was discarded`;
  }

  #refuseBadLine(code: 'LINE_TOO_LONG' | 'BAD_ENCODING', text: string): void {
    const stats = this.#host.stats;
    stats.badLines += 1;
    this.#badLines += 1;
    if (this.#badLines >= this.#host.limits.maxBadLines) {
      this.dismiss(errorLine(code, `${text}. Too many bad lines; disconnecting`));
    } else {
      this.send(errorLine(code, text));
    }
  }

  // The client closed its side: an unfinished last line is dropped, the rest of ours flushed
  // within closeGraceMs (a client that half-closes and never reads would hold its place forever).
  #onEnd(): void {
    this.#framer.reset();
    if (this.#waitingTurn) this.#take(true); // complete lines received before the end count
    this.end(undefined, LEFT.vanished);
  }

  #onClose(): void {
    const clock = this.#host.clock;
    clock.clearTimeout(this.#loginTimer);
    clock.clearTimeout(this.#graceTimer);
    clock.clearTimeout(this.#resumeTimer);
    this.#loginTimer = this.#graceTimer = this.#resumeTimer = undefined;
    this.#keepalive?.stop();
    this.#outbox.close();
    if (!this.#closing) {
      this.#closing = true;
      this.#depart(LEFT.vanished);
    }
    this.#host.onClosed(this);
  }

  #depart(notice: string | null): void {
    const wasIn = this.room?.name;
    this.#host.registry.leave(this, notice);
    if (this.username !== undefined) {
      this.#host.log(
        `#${this.id} ${this.peer} ${this.username} left${wasIn === undefined ? '' : ` ${wasIn}`}`,
      );
    }
  }
}

function loginTimeoutLine(ms: number, busy: boolean): string {
  const why = busy ? ' (the server is busy)' : '';
  return errorLine('LOGIN_TIMEOUT', `Login not finished within ${ms} ms${why}`);
}
