/**
 * Flags of `whohas get` and `whohas peer` about keys (docs/PROTOCOL.md, "TLS on the chat line",
 * "User keys", "Sealed transfers"): TLS to the server with its certificate pinned on first use,
 * the user's Ed25519 identity, sealed transfers, and the pins of owners' keys. The Peer options
 * they stand for: key-options.ts (loaded only when a command runs).
 */
import type { Command } from 'commander';
import { IDENTITY_FILE, KEY_PINS_FILE } from '../impl/peer/file-names.ts';

export interface KeyFlags {
  tls?: boolean;
  acceptServerKey?: boolean;
  seal?: boolean;
  identity?: string;
  keyPins?: string;
  acceptKeyChange?: boolean;
}

export function addKeyFlags(command: Command): Command {
  return command
    .option('--tls', "connect over TLS; the server's certificate is pinned on first use")
    .option(
      '--accept-server-key',
      'trust a server certificate that differs from the pinned one (SERVER_KEY_CHANGED otherwise) and pin it',
    )
    .option(
      '--seal',
      "seal transfers with the user key (refusing unsealed ones); pins owners' keys",
    )
    .option(
      '--identity <FILE>',
      `the user's Ed25519 key, made on first use (default: ${IDENTITY_FILE} in the folder)`,
    )
    .option(
      '--key-pins <FILE>',
      `pinned server and user keys (default: ${KEY_PINS_FILE} in the folder)`,
    )
    .option(
      '--accept-key-change',
      'download from a user whose key differs from the pinned one (PEER_KEY_CHANGED otherwise) and pin it',
    );
}
