import type { CongestionMode } from './options.ts';

/**
 * The sender's effective window, 1..N. With 'aimd' it halves on every loss the sender detects and
 * grows by one packet per window's worth of acknowledged packets (one per clean round trip) back
 * up to N, like TCP's congestion window under the receiver's window. With 'none' it stays N.
 * Pure: the core tells it what happened.
 */
export class EffectiveWindow {
  readonly #limit: number;
  readonly #adaptive: boolean;
  #size: number;
  #smallest: number;
  #ackedSinceGrowth = 0;

  constructor(limit: number, mode: CongestionMode) {
    this.#limit = limit;
    this.#adaptive = mode === 'aimd';
    this.#size = limit;
    this.#smallest = limit;
  }

  get size(): number {
    return this.#size;
  }

  get smallest(): number {
    return this.#smallest;
  }

  onLoss(): void {
    if (!this.#adaptive) return;
    this.#size = Math.max(1, this.#size >> 1);
    this.#smallest = Math.min(this.#smallest, this.#size);
    this.#ackedSinceGrowth = 0;
  }

  onAcked(packets: number): void {
    if (!this.#adaptive || this.#size >= this.#limit) return;
    this.#ackedSinceGrowth += packets;
    if (this.#ackedSinceGrowth >= this.#size) {
      this.#ackedSinceGrowth -= this.#size;
      this.#size++;
    }
  }
}
