/**
 * A peer's NAT traversal state for its whole session (docs/PROTOCOL.md, "NAT traversal"): the
 * STUN server (an address, or the chat server's own host and port), the reflexive address learned
 * at login from a socket on the chat socket's local address and refreshed every REFRESH_MS, and
 * the relay grants (`RELAY|...` lines) the transfers wait for. STUN that does not answer turns NAT
 * traversal off for the session: transfers go the legacy way, never an error.
 */
import { nameKey } from '../chat/wire.ts';
import { WhohasError } from '../errors.ts';
import { discoverReflexive, type Reflexive } from '../nat/binding.ts';
import type { Platform, TimerHandle } from '../platform/types.ts';
import type { ServerAddress } from './limits.ts';

export interface NatSettings {
  /** The STUN server, or 'server': the chat server's host and port (its UDP side). */
  stun: { address: string; port: number } | 'server';
  /** How long hole punching may take before the relay is asked (default 3000 ms). */
  punchMs: number;
  /** Ask the server's relay when punching fails (default true). */
  relay: boolean;
}

export const DEFAULT_PUNCH_MS = 3_000;
/** The reflexive address is asked again this often while logged in. */
export const REFRESH_MS = 5 * 60_000;
/** How long a requester waits for the server's RELAY line after asking. */
export const RELAY_ANSWER_MS = 5_000;
/** How long a requester sends an owner's transfers straight to the relay after punching failed. */
/**
 * How long a transfer waits for the login's STUN answer: its first three requests (0, 250 and
 * 750 ms) and their answers on any usual path.
 */
export const LOGIN_STUN_WAIT_MS = 1_000;
export const RELAY_MEMO_MS = 5 * 60_000;

export interface RelayGrant {
  transferId: number;
  token: Buffer;
  port: number;
}

/** What the NAT state needs of the chat session. */
export interface NatSession {
  readonly name: string;
  readonly localAddress: string;
  readonly remoteAddress: string | undefined;
  readonly server: ServerAddress | undefined;
  send(line: string): boolean;
}

interface Waiting {
  resolve: (grant: RelayGrant) => void;
  reject: (error: WhohasError) => void;
  /** The requester's wait: a RELAY_REFUSED error line is its answer. */
  asked: boolean;
}

export class PeerNat {
  readonly settings: NatSettings;
  readonly #platform: Platform;
  readonly session: NatSession;
  readonly #waits = new Map<string, Waiting>();
  /** The route memo: owner (name key) → until when its transfers go straight to the relay. */
  readonly #relayed = new Map<string, number>();
  #reflexive: Reflexive | undefined;
  #refresh: TimerHandle | undefined;
  /** The login's discovery: a transfer asked for right after login waits for it (bounded). */
  #login: Promise<void> | undefined;
  #closed = false;

  constructor(platform: Platform, settings: NatSettings, session: NatSession) {
    this.#platform = platform;
    this.settings = settings;
    this.session = session;
  }

  /** Our address as the STUN server saw it at login (undefined: no answer, traversal off). */
  get reflexive(): Reflexive | undefined {
    return this.#reflexive;
  }

  /** True when transfers punch: STUN answered at login. */
  get active(): boolean {
    return this.#reflexive !== undefined && this.server() !== undefined;
  }

  /** The STUN (and relay) server, its address as our sockets will see it answer. */
  server(): { address: string; port: number } | undefined {
    const { stun } = this.settings;
    if (stun !== 'server') return stun;
    const address = this.session.remoteAddress;
    const port = this.session.server?.port;
    return address === undefined || port === undefined ? undefined : { address, port };
  }

  /** After login: learns the reflexive address in the background, and again every REFRESH_MS. */
  start(): void {
    if (this.#closed) return;
    this.#platform.clock.clearTimeout(this.#refresh); // a second login: one refresh chain
    const discovery = this.#discover();
    this.#login ??= discovery;
  }

  /**
   * Resolves once the login's STUN answered or gave up, or after LOGIN_STUN_WAIT_MS: a transfer
   * asked for right after login does not wait out the whole retry schedule (3.75 s) when the
   * server has no STUN; it goes the LAN way, and later transfers punch once STUN answers.
   */
  loggedIn(): Promise<void> {
    const login = this.#login;
    if (login === undefined) return Promise.resolve();
    const { clock } = this.#platform;
    return new Promise((resolve) => {
      const timer = clock.setTimeout(resolve, LOGIN_STUN_WAIT_MS);
      login.then(() => {
        clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#closed = true;
    this.#platform.clock.clearTimeout(this.#refresh);
    for (const wait of this.#waits.values()) {
      wait.reject(new WhohasError('TRANSFER_ABORTED', 'the peer is closing'));
    }
    this.#waits.clear();
  }

  /** True while the route memo sends `owner`'s transfers straight to the relay. */
  relayFirst(owner: string): boolean {
    const key = nameKey(owner);
    const until = this.#relayed.get(key);
    if (until === undefined) return false;
    if (this.#platform.clock.now() < until) return true;
    this.#relayed.delete(key); // expired: a changed network gets another punch
    return false;
  }

  /** Punching to `owner` failed and the relay carried the transfer: relay first for a while. */
  rememberRelay(owner: string): void {
    this.#relayed.set(nameKey(owner), this.#platform.clock.now() + RELAY_MEMO_MS);
  }

  /** A transfer through the relay failed: the next one to `owner` punches again. */
  forgetRelay(owner: string): void {
    this.#relayed.delete(nameKey(owner));
  }

  /** Asks the server to relay `transferId` between us and `owner`. */
  askRelay(transferId: number, owner: string): boolean {
    return this.session.send(`@server|relay|${transferId}|${owner}`);
  }

  /**
   * The RELAY line for our transfer with `other` (requester: the owner; owner: the requester),
   * within `ms`; RELAY_REFUSED when the server refused or said nothing.
   */
  waitRelay(
    role: 'requester' | 'owner',
    other: string,
    transferId: number,
    ms: number,
  ): { grant: Promise<RelayGrant>; cancel: (error: WhohasError) => void } {
    const key = `${role}|${nameKey(other)}|${transferId}`;
    const { clock } = this.#platform;
    let timer: TimerHandle | undefined;
    const grant = new Promise<RelayGrant>((resolve, reject) => {
      const done = () => {
        clock.clearTimeout(timer);
        this.#waits.delete(key);
      };
      this.#waits.set(key, {
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        asked: role === 'requester',
      });
      timer = clock.setTimeout(() => {
        this.#waits
          .get(key)
          ?.reject(
            new WhohasError(
              role === 'requester' ? 'RELAY_REFUSED' : 'NAT_TRAVERSAL_FAILED',
              `no relay for transfer ${transferId} within ${ms} ms`,
            ),
          );
      }, ms);
    });
    grant.catch(() => {});
    return { grant, cancel: (error) => this.#waits.get(key)?.reject(error) };
  }

  /** A server line: true when it was a RELAY grant or refusal for us (consumed). */
  handleLine(line: string): boolean {
    if (line.startsWith('ERROR|RELAY_REFUSED|')) {
      const reason = line.slice('ERROR|RELAY_REFUSED|'.length);
      for (const wait of [...this.#waits.values()]) {
        if (wait.asked) wait.reject(new WhohasError('RELAY_REFUSED', reason));
      }
      return true;
    }
    if (!line.startsWith('RELAY|')) return false;
    const [, idText, requester, owner, tokenText, portText] = line.split('|');
    const transferId = Number(idText);
    const port = Number(portText);
    const me = nameKey(this.session.name);
    const token = /^[0-9a-f]{16}$/.test(tokenText ?? '') ? Buffer.from(tokenText, 'hex') : null;
    if (!token || !Number.isInteger(port) || port < 1 || port > 65_535) return true;
    const grant = { transferId, token, port };
    // A RELAY for a transfer we do not wait for is ignored.
    if (nameKey(requester ?? '') === me)
      this.#grant(`requester|${nameKey(owner ?? '')}|${idText}`, grant);
    if (nameKey(owner ?? '') === me)
      this.#grant(`owner|${nameKey(requester ?? '')}|${idText}`, grant);
    return true;
  }

  #grant(key: string, grant: RelayGrant): void {
    this.#waits.get(key)?.resolve(grant);
  }

  async #discover(): Promise<void> {
    const server = this.server();
    if (server === undefined) return;
    const socket = this.#platform.dgram.createSocket(
      server.address.includes(':') ? 'udp6' : 'udp4',
    );
    try {
      await socket.bind(0, this.session.localAddress);
      this.#reflexive = await discoverReflexive(socket, server, this.#platform);
    } catch {
      // No STUN answer (or no socket): the legacy path for now; the refresh tries again.
      this.#reflexive = undefined;
    } finally {
      await socket.close().catch(() => undefined);
    }
    if (this.#closed) return;
    this.#refresh = this.#platform.clock.setTimeout(() => this.start(), REFRESH_MS);
  }
}
