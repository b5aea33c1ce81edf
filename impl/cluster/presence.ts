/**
 * Presence: every heartbeat a server refreshes its key (PX ttl) and looks for servers whose key
 * has expired: those are dead (kill -9, a cut cable), and their users leave. Right after a
 * resynchronisation nobody is declared dead for one TTL: the others are re-registering too.
 */
import type { Clock, TimerHandle } from '../platform/types.ts';
import type { RedisStore } from './store.ts';

export interface PresenceHost {
  /** This server: its name, and whether it is registered (the check is skipped otherwise). */
  readonly link: { readonly node: string; readonly available: boolean };
  /** The other nodes known here. */
  known(): string[];
  /** `node`'s presence expired: its users leave. */
  dead(node: string): void;
  /** The heartbeat failed (Redis away or the path to it cut): reconnect and resynchronise. */
  failed(): void;
  log(line: string): void;
}

export class Presence {
  readonly #store: RedisStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #heartbeatMs: number;
  readonly #host: PresenceHost;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #graceUntil = 0;

  constructor(
    store: RedisStore,
    timing: { clock: Clock; ttlMs: number; heartbeatMs?: number },
    host: PresenceHost,
  ) {
    this.#store = store;
    this.#clock = timing.clock;
    this.#ttlMs = timing.ttlMs;
    this.#heartbeatMs = timing.heartbeatMs ?? 1000;
    this.#host = host;
  }

  /** No node is declared dead for one TTL from now. */
  grace(): void {
    this.#graceUntil = this.#clock.now() + this.#ttlMs;
  }

  start(): void {
    this.#timer = this.#clock.setTimeout(() => {
      void this.#check().finally(() => {
        if (!this.#stopped) this.start();
      });
    }, this.#heartbeatMs);
  }

  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
  }

  async #check(): Promise<void> {
    if (!this.#host.link.available) return;
    try {
      await this.#store.present(this.#ttlMs, 'ready');
      if (this.#clock.now() < this.#graceUntil) return;
      const nodes = new Set([...(await this.#store.nodes()), ...this.#host.known()]);
      for (const node of nodes) {
        if (node === this.#host.link.node || (await this.#store.alive(node))) continue;
        this.#host.log(`cluster: node ${node} is gone (no heartbeat for ${this.#ttlMs} ms)`);
        this.#host.dead(node);
        await this.#store.reap(node);
      }
    } catch (error) {
      this.#host.log(`cluster: heartbeat failed: ${(error as Error).message}`);
      this.#host.failed();
    }
  }
}
