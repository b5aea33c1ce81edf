import type { Clock, TimerHandle } from '../platform/types.ts';
import type { AckOptions } from './options.ts';
import { DUP_ACK_THRESHOLD } from './shared.ts';

/**
 * When the receiver acknowledges: after a batch of in-order packets (at the end of the burst),
 * at once for a gap (so the sender can fast-retransmit), otherwise within ack.delayMs.
 */
export class AckPolicy {
  readonly #clock: Clock;
  readonly #options: AckOptions;
  readonly #send: () => void;
  readonly #active: () => boolean;
  /** ACK after this many in-order packets: at most half the sender's window. */
  #every: number;
  #unacked = 0;
  /** Immediate ACKs sent for out-of-order arrivals since the expected packet last moved. */
  #outOfOrderAcks = 0;
  #pending = false;
  #timer: TimerHandle | undefined;
  #deferred = false;

  /** `send` puts one cumulative ACK on the wire; `active` says whether ACKs still make sense. */
  constructor(
    clock: Clock,
    options: AckOptions,
    window: number,
    send: () => void,
    active: () => boolean,
  ) {
    this.#clock = clock;
    this.#options = options;
    this.#send = send;
    this.#active = active;
    this.#every = ackEvery(options.packets, window);
  }

  /**
   * The sender's own window wins over ours: waiting for more packets than it may send in a row
   * would stall every window on the delayed-ACK timer.
   */
  useSenderWindow(window: number): void {
    if (window > 0) this.#every = ackEvery(this.#options.packets, window);
  }

  sendNow(): void {
    this.#unacked = 0;
    this.#pending = false;
    this.#send();
  }

  /** The expected packet arrived. */
  onInOrder(): void {
    this.#outOfOrderAcks = 0;
    if (++this.#unacked >= this.#every) this.#afterBurst();
    else this.soon();
  }

  /**
   * A gap: a duplicate cumulative ACK at once tells the sender (fast retransmit) without waiting
   * for its timeout. One more than the sender's threshold, as the first may still move its base;
   * past that the usual delayed ACK, so a window of stragglers does not cost a window of ACKs.
   */
  onGap(): void {
    if (this.#outOfOrderAcks > DUP_ACK_THRESHOLD) {
      this.soon();
      return;
    }
    this.#outOfOrderAcks++;
    this.sendNow();
  }

  /** Acknowledges within ack.delayMs unless a full batch does it first. One timer at most. */
  soon(): void {
    this.#pending = true;
    this.#timer ??= this.#clock.setTimeout(this.#onTimer, this.#options.delayMs);
  }

  stop(): void {
    this.#clock.clearTimeout(this.#timer);
  }

  /**
   * A batch is complete: acknowledge once the datagrams already waiting have been taken in, so
   * a burst costs one ACK (one wake-up of the sender) however many batches it holds. One ACK
   * per packet (`ack.packets` 1, the analytic model's assumption) goes out at once.
   */
  #afterBurst(): void {
    if (this.#every === 1) {
      this.sendNow();
      return;
    }
    this.#pending = true;
    if (this.#deferred) return;
    this.#deferred = true;
    this.#clock.defer(this.#onBurstEnd);
  }

  #onBurstEnd = (): void => {
    this.#deferred = false;
    if (this.#pending && this.#active()) this.sendNow();
  };

  #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#pending && this.#active()) this.sendNow();
  };
}

function ackEvery(packets: number, window: number): number {
  return Math.min(packets, Math.max(1, window >> 1));
}
