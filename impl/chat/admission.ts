/**
 * Who may connect (docs/PROTOCOL.md, "Admission"): connections are counted per client address,
 * in the login dialog and in all, so one address cannot park the server's places; past half of
 * maxConnections in the dialog, new dialogs get the shorter pressureLoginTimeoutMs; and a full
 * server ends its oldest dialog once that has had pressureLoginTimeoutMs, to let a newcomer in:
 * one from an address with no dialog in progress and none ended that way lately, so parkers who
 * reconnect the moment they are refused cannot take the places meant for newcomers.
 */
import type { ChatLimits } from './limits.ts';

type AdmissionLimits = Pick<
  ChatLimits,
  'maxConnections' | 'maxLoginsPerAddress' | 'maxConnectionsPerAddress' | 'pressureLoginTimeoutMs'
>;

/** Addresses remembered for mayEvict(); the oldest is forgotten past this. */
const MAX_EVICTED = 10_000;

interface Count {
  open: number;
  dialogs: number;
}

export class AddressBook {
  readonly #limits: AdmissionLimits;
  readonly #counts = new Map<string, Count>();
  /** When a dialog from each address was last ended for a newcomer (oldest first, bounded). */
  readonly #evictedAt = new Map<string, number>();

  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  /** Why a new connection from `address` is refused (TOO_MANY_CONNECTIONS), if it is. */
  refusal(address: string): string | undefined {
    const count = this.#counts.get(address);
    if (count === undefined) return undefined;
    const { maxConnectionsPerAddress, maxLoginsPerAddress } = this.#limits;
    if (count.open >= maxConnectionsPerAddress) {
      return `${count.open} connections from your address; close one first`;
    }
    if (count.dialogs >= maxLoginsPerAddress) {
      return `${count.dialogs} logins in progress from your address; finish one first`;
    }
    return undefined;
  }

  /** A connection from `address` was admitted into the dialog. */
  opened(address: string): void {
    const count = this.#counts.get(address) ?? { open: 0, dialogs: 0 };
    count.open += 1;
    count.dialogs += 1;
    this.#counts.set(address, count);
  }

  /** It finished the dialog. */
  loggedIn(address: string): void {
    const count = this.#counts.get(address);
    if (count !== undefined) count.dialogs -= 1;
  }

  /** It closed; `inDialog` if it had not finished the dialog. */
  closed(address: string, inDialog: boolean): void {
    const count = this.#counts.get(address);
    if (count === undefined) return;
    count.open -= 1;
    if (inDialog) count.dialogs -= 1;
    if (count.open <= 0) this.#counts.delete(address);
  }

  /** May a connection from `address` take the place of the oldest dialog of a full server? */
  mayEvict(address: string, now: number): boolean {
    if ((this.#counts.get(address)?.dialogs ?? 0) > 0) return false;
    const at = this.#evictedAt.get(address);
    return at === undefined || now - at >= this.#limits.pressureLoginTimeoutMs;
  }

  /** A dialog from `address` was ended to let a newcomer in. */
  evicted(address: string, now: number): void {
    this.#evictedAt.delete(address);
    this.#evictedAt.set(address, now);
    if (this.#evictedAt.size > MAX_EVICTED) {
      this.#evictedAt.delete(this.#evictedAt.keys().next().value as string);
    }
  }

  /** The login deadline for a dialog starting now, with `dialogs` already in progress. */
  loginDeadline(dialogs: number, loginTimeoutMs: number): { ms: number; busy: boolean } {
    const { maxConnections, pressureLoginTimeoutMs } = this.#limits;
    if (dialogs >= maxConnections / 2 && pressureLoginTimeoutMs < loginTimeoutMs) {
      return { ms: pressureLoginTimeoutMs, busy: true };
    }
    return { ms: loginTimeoutMs, busy: false };
  }
}
