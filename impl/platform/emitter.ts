import { EventEmitter } from 'node:events';
import type { Emitter, Listeners } from './types.ts';

/**
 * A typed event emitter for platform objects. Composition (not inheritance) keeps `emit`
 * out of the public surface: only the owning object fires events. As with node:events, an
 * 'error' event with no listener throws.
 */
export class TypedEmitter<E extends Listeners> implements Emitter<E> {
  readonly #events = new EventEmitter();
  on<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.#noteListener(event);
    this.#events.on(event, listener);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.#noteListener(event);
    this.#events.once(event, listener);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.#events.off(event, listener);
    return this;
  }

  listenerCount(event: keyof E & string): number {
    return this.#events.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): boolean {
    return this.#events.emit(event, ...args);
  }

  /** Runs when an event gains its first listener; subclasses use it to start data flow. */
  protected onFirstListener(_event: keyof E & string): void {}

  #noteListener(event: keyof E & string): void {
    if (this.#events.listenerCount(event) === 0) this.onFirstListener(event);
  }
}
