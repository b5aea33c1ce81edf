/**
 * The whohas chat server: accepts connections on the injected Platform, runs each through the
 * login dialog, then routes its lines within its room. See docs/PROTOCOL.md.
 */
import { systemError, WhohasError } from '../errors.ts';
import type {
  AddressInfo,
  Platform,
  StreamServer,
  StreamSocket,
  TlsServerOptions,
} from '../platform/types.ts';
import { AdminConsole } from './admin.ts';
import { AddressBook } from './admission.ts';
import { type ClusterLink, LocalCluster } from './cluster.ts';
import type { DialogName } from './dialog-2016.ts';
import { type ChatLimits, resolveLimits } from './limits.ts';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PORT_TRIES } from './listen-defaults.ts';
import { GREETING, LoginDialog } from './login.ts';
import { OutboxBudget } from './outbox-budget.ts';
import { OutputBatch } from './output-batch.ts';
import { PasswordGuard } from './password-guard.ts';
import type { RelayGranter } from './relay-grants.ts';
import { Registry } from './rooms.ts';
import { Router } from './router.ts';
import { Session, type SessionHost } from './session.ts';
import { type ChatServerStats, createChatStats } from './stats.ts';
import { Turns } from './turns.ts';
import { errorLine } from './wire.ts';

export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PORT_TRIES };

export interface ChatServerOptions extends Partial<ChatLimits> {
  platform: Platform;
  /** Address to listen on; default 127.0.0.1 (use 0.0.0.0 to serve a LAN). */
  host?: string;
  /** First port to try; default 50000. 0 lets the system pick. */
  port?: number;
  /** Ports tried, counting up from `port`, while they are in use; default 10. */
  portTries?: number;
  log?: (line: string) => void;
  /** The dialog texts spoken: ours (default) or the 2016 report's (impl/chat/dialog-2016.ts). */
  dialog?: DialogName;
  /** The relay beside the server (`@server|relay`, impl/chat/relay-grants.ts); none by default. */
  relay?: RelayGranter;
  /** Serve over TLS with this certificate (docs/PROTOCOL.md, "TLS on the chat line"); Node only. */
  tls?: TlsServerOptions;
  /** The rest of the cluster (impl/cluster/); default a cluster of one (docs/CLUSTER.md). */
  cluster?: ClusterLink;
}

export class ChatServer {
  readonly limits: Readonly<ChatLimits>;
  readonly admin: AdminConsole;
  readonly stats: ChatServerStats;
  readonly #platform: Platform;
  readonly #host: string;
  readonly #port: number;
  readonly #portTries: number;
  readonly #tls: TlsServerOptions | undefined;
  readonly #log: (line: string) => void;
  readonly #stats = createChatStats();
  readonly #cluster: ClusterLink;
  readonly #registry: Registry;
  readonly #sessions = new Set<Session>();
  /** Sessions in the login dialog, oldest first. */
  readonly #dialogs = new Map<Session, LoginDialog>();
  /** Admitted sessions (counted in #addresses), and those evicted and not closed yet. */
  readonly #admitted = new Set<Session>();
  readonly #evicted = new Set<Session>();
  readonly #addresses: AddressBook;
  readonly #guard: PasswordGuard;
  readonly #sessionHost: SessionHost;
  #listener: StreamServer | undefined;
  #nextId = 1;
  #closing = false;
  #listenerClosed = false;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(options: ChatServerOptions) {
    const { platform, host, port, portTries, log, dialog, relay, tls, cluster, ...limits } =
      options;
    if (tls && !platform.tls) {
      throw new WhohasError('TLS_FAILED', `the ${platform.kind} platform has no TLS`);
    }
    this.#tls = tls;
    this.limits = resolveLimits(limits);
    this.#platform = platform;
    this.#cluster = cluster ?? new LocalCluster();
    // Room ids come from the platform's (seeded, on the simulator) randomness: 64 bits in hex.
    this.#registry = new Registry(
      this.#stats,
      () => this.#platform.random.bytes(8).toString('hex'),
      this.#cluster,
    );
    this.#host = host ?? DEFAULT_HOST;
    this.#port = port ?? DEFAULT_PORT;
    this.#portTries = portTries ?? DEFAULT_PORT_TRIES;
    if (!Number.isInteger(this.#port) || this.#port < 0 || this.#port > 65535) {
      throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
    }
    if (!Number.isInteger(this.#portTries) || this.#portTries < 1) {
      throw new RangeError(`portTries must be a positive integer, got ${portTries}`);
    }
    this.#log = log ?? (() => {});
    this.stats = this.#stats;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const router = new Router(this.#registry, this.#stats, {
      granter: relay,
      random: platform.random,
    });
    this.#addresses = new AddressBook(this.limits);
    this.#guard = new PasswordGuard(this.limits, platform.clock, this.#stats);
    this.#sessionHost = {
      clock: platform.clock,
      limits: this.limits,
      stats: this.#stats,
      registry: this.#registry,
      batch: new OutputBatch(platform.clock),
      budget: new OutboxBudget(this.limits.maxTotalOutboxBytes, this.#stats),
      turns: new Turns(platform.clock, this.limits.turnBudget),
      rateLimitedReply: Buffer.from(
        `${errorLine('RATE_LIMITED', `Over ${this.limits.rateLinesPerSecond} lines per second; the line was dropped`)}\n`,
      ),
      log: this.#log,
      dialog,
      onLine: (session, text) => {
        const dialog = this.#dialogs.get(session);
        if (dialog !== undefined) dialog.handle(text);
        else router.route(session, text);
      },
      onClosed: (session) => this.#forget(session),
    };
    const shutdown = (reason: string) => void this.close(reason);
    this.admin = new AdminConsole({
      registry: this.#registry,
      stats: this.#stats,
      cluster: this.#cluster,
      shutdown,
    });
    this.#cluster.attach({
      registry: this.#registry,
      stats: this.#stats,
      log: this.#log,
      batch: (work) => this.#sessionHost.batch.runForTurn(work),
      shutdown,
    });
  }

  /**
   * Listens on `port`, or the next ports while they are in use (`portTries` in all).
   * Resolves with the address actually used; rejects with EADDRINUSE if every one is taken.
   */
  async listen(): Promise<AddressInfo> {
    if (this.#listener !== undefined || this.#closing) {
      throw new Error('ChatServer.listen() may be called once, before close()');
    }
    const tries = this.#port === 0 ? 1 : Math.min(this.#portTries, 65536 - this.#port);
    for (let attempt = 0; attempt < tries; attempt++) {
      const port = this.#port === 0 ? 0 : this.#port + attempt;
      const listener = this.#tls
        ? this.#platform.tls!.createServer(this.#tls)
        : this.#platform.net.createServer();
      listener.on('connection', (socket) => this.#accept(socket));
      listener.on('error', (error) => this.#log(`listener error ${error.code}`));
      try {
        const address = await listener.listen(port, this.#host);
        this.#listener = listener;
        this.#log(`listening on ${address.address}:${address.port}`);
        return address;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
        this.#log(`port ${port} is in use`);
      }
    }
    const last = this.#port + tries - 1;
    throw systemError(
      'EADDRINUSE',
      'listen',
      `listen EADDRINUSE: ports ${this.#port} to ${last} on ${this.#host} are all in use`,
    );
  }

  address(): AddressInfo | null {
    return this.#listener?.address() ?? null;
  }

  /** Resolves once the server has closed (after close()). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Stops accepting, tells every connection `reason`, and resolves once all are closed. */
  close(reason = 'The server is shutting down'): Promise<void> {
    if (this.#closing) return this.#closed;
    this.#closing = true;
    this.#log(`closing: ${reason}`);
    this.#cluster.closing();
    const line = errorLine('SERVER_SHUTDOWN', reason);
    for (const session of [...this.#sessions]) session.end(line, null);
    const listenerClosed = this.#listener?.close() ?? Promise.resolve();
    void listenerClosed.then(() => {
      this.#listenerClosed = true;
      this.#settleClose();
    });
    return this.#closed;
  }

  #accept(socket: StreamSocket): void {
    const session = new Session(this.#nextId++, socket, this.#sessionHost);
    const open = this.#sessions.size;
    this.#sessions.add(session);
    this.#stats.connections = this.#sessions.size;
    this.#stats.connectionsAccepted += 1;
    if (this.#closing) {
      session.end(errorLine('SERVER_SHUTDOWN', 'The server is shutting down'), null);
      return;
    }
    const crowded = this.#addresses.refusal(session.address);
    if (crowded !== undefined) {
      this.#stats.refusedAddress += 1;
      this.#log(`#${session.id} ${session.peer} refused: ${crowded}`);
      // No grace: refused connections must not linger and count against the cap.
      session.end(errorLine('TOO_MANY_CONNECTIONS', crowded), null, 0);
      return;
    }
    const full = open - this.#evicted.size >= this.limits.maxConnections;
    if (full && !this.#evictOldestDialog(session.address)) {
      this.#stats.refusedFull += 1;
      this.#log(`#${session.id} ${session.peer} refused: ${open} connections open`);
      session.end(errorLine('SERVER_FULL', `The server is full (${open} connections)`), null, 0);
      return;
    }
    const dialog = new LoginDialog(
      session,
      this.#registry,
      this.limits.maxLoginTries,
      this.#guard,
      () => {
        session.stopLoginTimer();
        this.#dialogs.delete(session);
        this.#addresses.loggedIn(session.address);
        session.startKeepalive();
        this.#log(
          `#${session.id} ${session.peer} ${session.username} entered ${session.room?.name}`,
        );
      },
      // Login challenges from the platform's randomness (seeded on the simulator).
      () => this.#platform.random.bytes(16).toString('hex'),
      this.#cluster,
    );
    const deadline = this.#addresses.loginDeadline(this.#dialogs.size, this.limits.loginTimeoutMs);
    this.#dialogs.set(session, dialog);
    this.#admitted.add(session);
    this.#addresses.opened(session.address);
    session.startLoginTimer(deadline.ms, deadline.busy);
    session.send(GREETING);
  }

  /**
   * For a newcomer from `address`: ends the oldest dialog if it has had pressureLoginTimeoutMs
   * and the newcomer may take its place (see AddressBook.mayEvict); false otherwise.
   */
  #evictOldestDialog(address: string): boolean {
    const oldest = this.#dialogs.keys().next();
    if (oldest.done === true) return false;
    const session = oldest.value;
    const now = this.#platform.clock.now();
    if (now - session.openedAt < this.limits.pressureLoginTimeoutMs) return false;
    if (!this.#addresses.mayEvict(address, now)) return false;
    this.#addresses.evicted(session.address, now);
    this.#stats.evicted += 1;
    this.#evicted.add(session);
    this.#dialogs.delete(session);
    this.#addresses.loggedIn(session.address); // no longer in the dialog
    session.evict();
    return true;
  }

  #forget(session: Session): void {
    this.#sessions.delete(session);
    this.#evicted.delete(session);
    if (this.#admitted.delete(session)) {
      this.#addresses.closed(session.address, this.#dialogs.has(session));
    }
    this.#dialogs.delete(session);
    this.#stats.connections = this.#sessions.size;
    this.#settleClose();
  }

  #settleClose(): void {
    if (this.#closing && this.#listenerClosed && this.#sessions.size === 0) this.#resolveClosed();
  }
}
