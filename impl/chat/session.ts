/**
 * One client connection: its input (inbox.ts), its capped output (outbox.ts), its timers (login
 * deadline, keepalive) and the ways a connection ends. What a good line means is the host's
 * business (login dialog or routing).
 */
import type { StreamSocket, TimerHandle } from '../platform/types.ts';
import {
  type DialogName,
  type DialogTranslator,
  dialogTranslator,
  translateBytes,
} from './dialog-2016.ts';
import { Inbox, type InboxHost } from './inbox.ts';
import { Keepalive } from './keepalive.ts';
import { Outbox, type OutboxHost } from './outbox.ts';
import type { Member, Registry, Room } from './rooms.ts';
import { errorLine } from './wire.ts';

export interface SessionHost extends OutboxHost, InboxHost {
  readonly registry: Registry;
  log(line: string): void;
  /** The dialog texts the clients receive (impl/chat/dialog-2016.ts); ours when undefined. */
  readonly dialog?: DialogName;
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

export class Session implements Member {
  readonly id: number;
  /** `address:port` of the client, for logs. */
  readonly peer: string;
  /** The client's address, for the per-address limits. */
  readonly address: string;
  /** When the connection was accepted (platform clock). */
  readonly openedAt: number;
  username: string | undefined;
  /** SHA-256 of the user's Ed25519 key, once proven in the login dialog (docs/PROTOCOL.md, "User keys"). */
  keyFingerprint: string | undefined;
  room: Room | undefined;
  /** Messages to this user alone arrive as `DIRECT|<sender>|<text>` (`@server|direct_tag`). */
  directTag = false;
  readonly #socket: StreamSocket;
  readonly #host: SessionHost;
  #closing = false;
  readonly #inbox: Inbox;
  readonly #outbox: Outbox;
  #loginTimer: TimerHandle | undefined;
  #graceTimer: TimerHandle | undefined;
  #keepalive: Keepalive | undefined;
  readonly #dialog: DialogTranslator | undefined;

  constructor(id: number, socket: StreamSocket, host: SessionHost) {
    this.id = id;
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.address = socket.remoteAddress;
    this.openedAt = host.clock.now();
    this.#socket = socket;
    this.#host = host;
    this.#dialog = dialogTranslator(host.dialog);
    this.#outbox = new Outbox(socket, host, (why) => this.cutOff('OUTBOX_FULL', why));
    const session = this;
    this.#inbox = new Inbox(socket, host, {
      get closing() {
        return session.#closing;
      },
      get lineCost() {
        return 1 + (session.room?.members.size ?? 0);
      },
      heard: (now) => this.#keepalive?.heard(now),
      line: (text) => host.onLine(this, text),
      send: (line) => this.send(line),
      sendEncoded: (bytes) => this.sendEncoded(bytes),
      dismiss: (line) => this.dismiss(line),
    });
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => host.log(`#${id} ${this.peer} socket error ${error.code}`));
    socket.on('close', () => this.#onClose());
    // Dead peers the application keepalive cannot reach (no session yet) still get found.
    if (Number.isFinite(host.limits.tcpKeepAliveMs)) {
      socket.setKeepAlive(true, host.limits.tcpKeepAliveMs);
    }
  }

  /** Handles `text` as a line just received (lines held while the cluster answered). */
  replay(text: string): void {
    this.#host.onLine(this, text);
  }

  /** The server has ended the connection, or the client has gone. */
  get closed(): boolean {
    return this.#closing;
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
    if (this.#closing) return;
    this.#outbox.send(this.#dialog ? translateBytes(this.#dialog, bytes) : bytes);
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

  // The client closed its side: an unfinished last line is dropped, the rest of ours flushed
  // within closeGraceMs (a client that half-closes and never reads would hold its place forever).
  #onEnd(): void {
    this.#inbox.ended();
    this.end(undefined, LEFT.vanished);
  }

  #onClose(): void {
    const clock = this.#host.clock;
    clock.clearTimeout(this.#loginTimer);
    clock.clearTimeout(this.#graceTimer);
    this.#loginTimer = this.#graceTimer = undefined;
    this.#inbox.close();
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
