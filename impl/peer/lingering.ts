/**
 * Finished downloads whose receiver still lingers to re-acknowledge a repeated FIN (the sender
 * may have missed the final ACK). A `delivered` line from the owner says it did hear it: that
 * receiver stops lingering at once, so a one-shot `get` exits without waiting the linger out.
 */
import { nameKey } from '../chat/wire.ts';

/** A lingering TransferReceiver: aborting it then only closes it (the file is committed). */
interface Ending {
  abort(message: string): void;
}

export class Lingering {
  /** Keyed by owner and transfer id. */
  readonly #receivers = new Map<string, { receiver: Ending; closed: Promise<void> }>();

  /** `receiver` lingers until `closed` settles (its socket closed). */
  add(owner: string, transferId: number, receiver: Ending, closed: Promise<void>): void {
    const key = `${nameKey(owner)}|${transferId}`;
    this.#receivers.set(key, { receiver, closed });
    void closed.then(() => {
      if (this.#receivers.get(key)?.closed === closed) this.#receivers.delete(key);
    });
  }

  /** The owner heard our final ACK of `transferId`: its receiver has nothing left to answer. */
  delivered(owner: string, transferId: number): void {
    this.#receivers
      .get(`${nameKey(owner)}|${transferId}`)
      ?.receiver.abort('the owner heard the final ACK');
  }

  /** Resolves once every receiver added so far has stopped lingering. */
  async done(): Promise<void> {
    await Promise.allSettled([...this.#receivers.values()].map((entry) => entry.closed));
  }
}
