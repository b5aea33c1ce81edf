/**
 * Flags of `whohas get` and `whohas peer` about keys (docs/PROTOCOL.md, "TLS on the chat line",
 * "User keys", "Sealed transfers"): TLS to the server with its certificate pinned on first use,
 * the user's Ed25519 identity, sealed transfers, and the pins of owners' keys.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  FileRoomPins,
  groupHex,
  IDENTITY_FILE,
  KEY_PINS_FILE,
  loadIdentity,
  type PeerOptions,
} from '../impl/peer/index.ts';
import type { Platform } from '../impl/platform/types.ts';
import { fingerprint } from '../impl/seal/keys.ts';

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

/** The Peer options the flags stand for; notes (fingerprints) go to `say` (stderr). */
export async function keyOptions(
  flags: KeyFlags,
  platform: Platform,
  folder: string,
  say: (line: string) => void,
): Promise<Pick<PeerOptions, 'tls' | 'identity' | 'keyPins' | 'acceptKeyChange'>> {
  const pins = new FileRoomPins(
    platform.fs,
    flags.keyPins ? resolve(flags.keyPins) : join(folder, KEY_PINS_FILE),
  );
  const options: Pick<PeerOptions, 'tls' | 'identity' | 'keyPins' | 'acceptKeyChange'> = {};
  if (flags.tls) {
    options.tls = {
      pins,
      acceptChange: flags.acceptServerKey === true,
      onCertificate: (print, how) => {
        if (how !== 'known') say(`server certificate ${groupHex(print)} (${how}: pinned)`);
      },
    };
  }
  if (flags.seal || flags.identity) {
    const path = flags.identity ? resolve(flags.identity) : join(folder, IDENTITY_FILE);
    const { identity, created } = await loadIdentity(platform.fs, platform.random, path);
    say(`${created ? 'new ' : ''}user key ${fingerprint(identity.publicRaw, true)} (${path})`);
    options.identity = identity;
    options.keyPins = pins;
    options.acceptKeyChange = flags.acceptKeyChange === true;
  }
  return options;
}
