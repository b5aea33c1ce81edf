/**
 * Who may connect (docs/PROTOCOL.md, "Admission"): connections are counted per client address,
 * in the login dialog and in all, so one address cannot park the server's places; past half of
 * maxConnections in the dialog, new dialogs get the shorter pressureLoginTimeoutMs; and a full
 * server ends its oldest dialog once that has had pressureLoginTimeoutMs, to let a newcomer in.
 */
import type { ChatLimits } from './limits.ts';

type AdmissionLimits = Pick<
  ChatLimits,
  'maxConnections' | 'maxLoginsPerAddress' | 'maxConnectionsPerAddress' | 'pressureLoginTimeoutMs'
>;

interface Count {
  open: number;
  dialogs: number;
}

export class AddressBook {
  readonly #limits: AdmissionLimits;
  readonly #counts = new Map<string, Count>();

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

  /** The login deadline for a dialog starting now, with `dialogs` already in progress. */
  loginDeadline(dialogs: number, loginTimeoutMs: number): { ms: number; busy: boolean } {
    const { maxConnections, pressureLoginTimeoutMs } = this.#limits;
    if (dialogs >= maxConnections / 2 && pressureLoginTimeoutMs < loginTimeoutMs) {
      return { ms: pressureLoginTimeoutMs, busy: true };
    }
    return { ms: loginTimeoutMs, busy: false };
  }
}
